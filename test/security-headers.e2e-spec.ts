import { startTestApp, type TestApp } from './support/test-app';

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('should give console pages a strict CSP, no framing and nosniff', async () => {
    for (const path of ['/console/login', '/console/assets/console.css', '/console']) {
      const res = await t.http().get(path);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('should send nosniff elsewhere and leave the web chat frameable and the API docs working', async () => {
    const chat = await t.http().get('/').expect(200);
    expect(chat.headers['x-content-type-options']).toBe('nosniff');
    expect(chat.headers['x-frame-options']).toBeUndefined();
    const units = await t.http().get('/api/units').expect(200);
    expect(units.headers['x-content-type-options']).toBe('nosniff');
    await t.http().get('/api/docs/').expect(200);
  });
});
