import { MAX_IP_FAILURES } from '../src/console/console-auth.service';
import { ConsoleAuditEntity } from '../src/console/console-audit.entity';
import { addConsoleUser, cookieOf, csrfIn, PASSWORD } from './support/console-helpers';
import { startTestApp, type TestApp } from './support/test-app';

/** Signs in with forwarded headers set by whoever sends the request; returns the login response. */
async function loginVia(t: TestApp, email: string, headers: Record<string, string>) {
  const form = await t.http().get('/console/login').set(headers).expect(200);
  const pre = cookieOf(form.headers, 'console_pre')!;
  return t
    .http()
    .post('/console/login')
    .set({ ...headers, cookie: `console_pre=${pre}` })
    .type('form')
    .send({ _csrf: csrfIn(form.text), email, password: PASSWORD })
    .expect(303);
}

const secureFlag = (headers: Record<string, unknown>) =>
  ((headers['set-cookie'] as string[] | undefined) ?? []).some(
    (c) => c.startsWith('console_session=') && /;\s*Secure/i.test(c),
  );

const FORGED = { 'x-forwarded-for': '203.0.113.77', 'x-forwarded-proto': 'https' };

describe('TRUST_PROXY', () => {
  describe('off (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
      await addConsoleUser(t, 'direct@example.test', 'so-y-te-khanh-hoa', 'admin');
    });
    afterAll(() => t?.close());

    it('should ignore X-Forwarded-For and -Proto sent by a client: the audit keeps the real peer, no Secure cookie', async () => {
      const res = await loginVia(t, 'direct@example.test', FORGED);
      expect(secureFlag(res.headers)).toBe(false);
      const audit = await t.db.manager.findOneByOrFail(ConsoleAuditEntity, {
        action: 'login',
        email: 'direct@example.test',
      });
      expect(audit.target).not.toContain('203.0.113.77');
      expect(audit.target).toMatch(/127\.0\.0\.1|::1/);
    });

    it('should not let a client escape the per-address lock-out by changing X-Forwarded-For', async () => {
      let last = 0;
      for (let i = 0; i <= MAX_IP_FAILURES; i++) {
        const form = await t.http().get('/console/login').expect(200);
        const pre = cookieOf(form.headers, 'console_pre')!;
        const res = await t
          .http()
          .post('/console/login')
          .set({ 'x-forwarded-for': `198.51.100.${i + 1}`, cookie: `console_pre=${pre}` })
          .type('form')
          .send({ _csrf: csrfIn(form.text), email: `nobody${i}@example.test`, password: 'wrong-password' });
        last = res.status;
      }
      // As many e-mails from as many "addresses": only one real address, so it is locked.
      expect(last).toBe(429);
    });
  });

  describe('the proxy on loopback trusted', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1,::1' } });
      await addConsoleUser(t, 'proxied@example.test', 'so-y-te-khanh-hoa', 'admin');
    });
    afterAll(() => t?.close());

    it("should take the client's address and scheme from the trusted proxy's headers", async () => {
      const res = await loginVia(t, 'proxied@example.test', FORGED);
      expect(secureFlag(res.headers)).toBe(true);
      const audit = await t.db.manager.findOneByOrFail(ConsoleAuditEntity, {
        action: 'login',
        email: 'proxied@example.test',
      });
      expect(audit.target).toBe('203.0.113.77');
    });
  });
});
