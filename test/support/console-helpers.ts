import { ConsoleRepository } from '../../src/console/console.repository';
import { hashPassword } from '../../src/console/console-auth.service';
import type { ConsoleRole } from '../../src/console/console-user.entity';
import type { TestApp } from './test-app';

export const PASSWORD = 'test-password-123';

export async function addConsoleUser(
  t: TestApp,
  email: string,
  unitId: string,
  role: ConsoleRole,
): Promise<void> {
  const now = new Date();
  await t.app.get(ConsoleRepository).saveUser({
    email,
    unitId,
    role,
    passwordHash: await hashPassword(PASSWORD),
    active: true,
    createdAt: now,
    updatedAt: now,
  });
}

export function cookieOf(headers: Record<string, unknown>, name: string): string | undefined {
  const raw = headers['set-cookie'];
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  for (const c of list) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m) return m[1];
  }
  return undefined;
}

export function csrfIn(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF field in the page');
  return m[1];
}

export interface ConsoleSession {
  cookie: string;
  csrf: string;
}

/** Signs in through the login form, as a browser does; returns the session cookie and its form token. */
export async function consoleLogin(t: TestApp, email: string, password = PASSWORD): Promise<ConsoleSession> {
  const form = await t.http().get('/console/login').expect(200);
  const pre = cookieOf(form.headers, 'console_pre')!;
  const res = await t
    .http()
    .post('/console/login')
    .set('cookie', `console_pre=${pre}`)
    .type('form')
    .send({ _csrf: csrfIn(form.text), email, password })
    .expect(303);
  const session = cookieOf(res.headers, 'console_session');
  if (!session) throw new Error('no session cookie');
  const cookie = `console_session=${session}`;
  const page = await t.http().get('/console/handoffs').set('cookie', cookie).expect(200);
  return { cookie, csrf: csrfIn(page.text) };
}
