import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ensureBuilt, startAppProcess } from './support/app-process';

describe('the service as a process', () => {
  let dir: string;

  beforeAll(() => ensureBuilt());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outreach-proc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [{ PORT: 'abc' }, 'Configuration error: PORT must be an integer between 1 and 65535 (got "abc")'],
    [
      { DATABASE_URL: 'mysql://localhost/x' },
      'Configuration error: DATABASE_URL must be sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB (got "mysql://localhost/x")',
    ],
    [
      { UNITS_FILE: '/nonexistent/units.yaml' },
      'UNITS_FILE must name a readable units file (cannot read /nonexistent/units.yaml)',
    ],
    [{ NODE_ENV: 'production' }, 'USER_KEY_SECRET must be set in production (e.g. openssl rand -hex 32)'],
    [
      { MESSENGER_PAGE_ID: '123' },
      'MESSENGER_APP_SECRET must be set (a Messenger page is configured with MESSENGER_* variables)',
    ],
    [
      { ZALO_OA_ID: '9', ZALO_APP_ID: '1', ZALO_APP_SECRET: 's' },
      'ZALO_OA_SECRET_KEY must be set (a Zalo OA is configured with ZALO_* variables)',
    ],
    [
      { MESSENGER_API_URL: 'graph.facebook.com' },
      'Configuration error: MESSENGER_API_URL must be an http(s) URL, e.g. https://graph.facebook.com/v25.0 (got "graph.facebook.com")',
    ],
  ])('should refuse to start on %j with one clear line', async (env, line) => {
    const app = await startAppProcess({ DATA_DIR: dir, ...env }, false);
    const { code } = await app.exited;
    expect(code).toBe(1);
    expect(app.output().trim()).toBe(line);
  });

  it('should name the field of a broken units file', async () => {
    const file = join(dir, 'units.yaml');
    writeFileSync(file, 'units:\n  - id: Bad Id\n');
    const app = await startAppProcess({ DATA_DIR: dir, UNITS_FILE: file }, false);
    expect((await app.exited).code).toBe(1);
    expect(app.output().trim()).toMatch(/^Units file .*units\.yaml: units\[0\]\.id: id must be lower-case/);
  });

  it('should create its SQLite file on first start and stop gracefully on SIGTERM, finishing accepted turns', async () => {
    const app = await startAppProcess({ DATA_DIR: dir, SHUTDOWN_GRACE_MS: '10000' });
    type Result = { status: number; body: { replies?: unknown[] } };
    const send = (i: number): Promise<Result> =>
      fetch(`${app.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          sessionId: `term-${i % 10}`,
          text: 'quên mật khẩu vneid',
          messageId: `m-${i}`,
        }),
      }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as { replies?: unknown[] } }),
        () => ({ status: 0, body: {} }),
      );
    const burst = Array.from({ length: 40 }, (_, i) => send(i));
    // Stop while the burst is being served: after the first answer, with the rest in flight.
    await Promise.race(burst);
    app.child.kill('SIGTERM');
    const results = await Promise.all(burst);
    const { code } = await app.exited;
    expect(code).toBe(0);
    // Each request was answered, refused while closing (503: send again), or never connected.
    expect(results.every((r) => [200, 503, 0].includes(r.status))).toBe(true);
    const answered = results.filter((r) => r.status === 200);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((r) => (r.body.replies ?? []).length > 0)).toBe(true);

    const db = new DataSource({ type: 'sqlite', database: join(dir, 'bot.sqlite') });
    await db.initialize();
    const [{ records }] = await db.query<{ records: number }[]>(
      'SELECT COUNT(*) AS records FROM interaction_record',
    );
    const [{ left }] = await db.query<{ left: number }[]>(
      "SELECT COUNT(*) AS left FROM inbox_event WHERE status IN ('pending', 'processing')",
    );
    await db.destroy();
    expect(Number(left)).toBe(0);
    expect(Number(records)).toBe(answered.length);
  });
});
