import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parse, stringify } from 'yaml';
import { fromRoot } from '../src/common/project-root';
import { MIGRATION_LOCK_KEY, MIGRATION_LOCK_SQL } from '../src/database/database.service';
import { MIGRATIONS } from '../src/database/migrations';
import { graphFake, type PlatformFake } from './fakes/platform-fake';
import { ensureBuilt, startAppProcess, type AppProcess } from './support/app-process';
import { signMessenger } from './support/channel-helpers';

const SECRET = 'TWO_INSTANCES_SECRET';
const PAGE = 'PAGE_TWO_1';
const PAGE_2 = 'PAGE_TWO_2';
const UNIT = 'so-y-te-khanh-hoa';
const USERS = 40;
const PER_USER = 5;
const TEXTS = ['xin chào', 'quên mật khẩu vneid', 'thẻ bảo hiểm y tế hết hạn', 'giờ làm việc', 'cảm ơn'];

const pgUrl = process.env.TEST_DATABASE_URL;
const onPostgres = pgUrl ? describe : describe.skip;

/** The shipped units with a Messenger page on the first two units (secrets by variable name). */
function unitsFile(dir: string): string {
  const file = parse(readFileSync(fromRoot('units.yaml'), 'utf8')) as { units: Record<string, unknown>[] };
  file.units.slice(0, 2).forEach((unit, i) => {
    unit.messenger = {
      pageId: [PAGE, PAGE_2][i],
      appSecretEnv: 'TWO_APP_SECRET',
      pageAccessTokenEnv: `TWO_PAGE_TOKEN_${i + 1}`,
      verifyTokenEnv: 'TWO_VERIFY_TOKEN',
    };
  });
  const path = join(dir, 'units.yaml');
  writeFileSync(path, stringify(file));
  return path;
}

/**
 * Two real instances on one PostgreSQL schema behind an imaginary load balancer: they start at once
 * (one runs the migrations), share the work without answering anything twice or out of order, keep
 * one intact evidence chain, and wake each other (LISTEN/NOTIFY) rather than wait for their poll.
 */
onPostgres('two instances on one PostgreSQL schema', () => {
  const schema = `two_${process.pid}_${Date.now().toString(36)}`;
  const dirs: string[] = [];
  let graph: PlatformFake;
  let a: AppProcess;
  let b: AppProcess;
  let db: Client;
  let env: (name: string, extra?: Record<string, string>) => Record<string, string>;

  const q = async <T extends object>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await db.query<T>(sql.replaceAll('$S', `"${schema}"`), params)).rows;

  beforeAll(async () => {
    ensureBuilt();
    db = new Client({ connectionString: pgUrl });
    await db.connect();
    graph = graphFake();
    const url = await graph.start();
    const shared = mkdtempSync(join(tmpdir(), 'outreach-two-'));
    dirs.push(shared);
    const units = unitsFile(shared);
    env = (name, extra = {}) => {
      const dir = mkdtempSync(join(tmpdir(), `outreach-two-${name}-`));
      dirs.push(dir);
      return {
        DATA_DIR: dir,
        UNITS_FILE: units,
        DATABASE_URL: pgUrl!,
        DATABASE_SCHEMA: schema,
        LOG_LEVEL: 'info',
        USER_KEY_SECRET: 'two-instances-user-key-secret-0123456789',
        SESSION_SECRET: 'two-instances-session-secret-0123456789',
        NLU_CACHE_DIR: join(tmpdir(), 'outreach-test-nlu-cache'),
        TWO_APP_SECRET: SECRET,
        TWO_VERIFY_TOKEN: 'verify',
        TWO_PAGE_TOKEN_1: 'TOKEN_1',
        TWO_PAGE_TOKEN_2: 'TOKEN_2',
        MESSENGER_API_URL: url,
        ...extra,
      };
    };
  });
  afterAll(async () => {
    a?.child.kill('SIGKILL');
    b?.child.kill('SIGKILL');
    await graph?.stop();
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.end();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const post = (base: string, page: string, user: string, mid: string, text: string) => {
    const raw = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: page,
          time: Date.now(),
          messaging: [
            {
              sender: { id: user },
              recipient: { id: page },
              timestamp: Date.now(),
              message: { mid, text },
            },
          ],
        },
      ],
    });
    return fetch(`${base}/webhooks/messenger`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMessenger(raw, SECRET) },
      body: raw,
    }).then((r) => r.status);
  };

  /** Send API calls carrying a reply (not typing indicators), as outbox ids in arrival order. */
  const sentOutboxIds = (user?: string): number[] =>
    graph
      .on('POST /me/messages')
      .map((r) => r.body as { recipient?: { id?: string }; message?: { metadata?: string } })
      .filter((body) => body.message?.metadata && (!user || body.recipient?.id === user))
      .map((body) => Number(body.message!.metadata!.slice('outbox:'.length)));

  const healthy = (url: string) =>
    fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
  const untilHealthy = async (p: AppProcess) => {
    for (const deadline = Date.now() + 30_000; !(await healthy(p.url));) {
      if (p.child.exitCode !== null || Date.now() > deadline) throw new Error(`not healthy: ${p.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const waitUntilIdle = async (timeoutMs: number) => {
    for (const deadline = Date.now() + timeoutMs; ;) {
      const [{ n }] = await q<{ n: string }>(
        `SELECT (SELECT COUNT(*) FROM $S.inbox_event WHERE status IN ('pending','processing')) + (SELECT COUNT(*) FROM $S.outbox_message WHERE status IN ('pending','sending')) AS n`,
      );
      if (Number(n) === 0) return;
      if (Date.now() > deadline)
        throw new Error(`${n} still open; A: ${a.output().slice(-1500)}\nB: ${b.output().slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('should start both at once, the migrations run by one of them, once each', async () => {
    // Hold the migrations' lock so that both reach it before either migrates, then let them race.
    await db.query(MIGRATION_LOCK_SQL, [MIGRATION_LOCK_KEY, schema]);
    try {
      // B has one turn slot: the wake-up test below fills it.
      [a, b] = await Promise.all([
        startAppProcess(env('a'), false),
        startAppProcess(env('b', { INBOX_CONCURRENCY: '1' }), false),
      ]);
      for (const deadline = Date.now() + 30_000; ;) {
        const [{ n }] = await q<{ n: string }>(
          `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory' AND application_name = 'outreach-bot'`,
        );
        if (Number(n) === 2) break;
        if (Date.now() > deadline) throw new Error(`not both waiting: ${a.output()}\n${b.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await Promise.all([a, b].map((p) => healthy(p.url)))).toEqual([false, false]);
    } finally {
      await db.query('SELECT pg_advisory_unlock($1, hashtext($2))', [MIGRATION_LOCK_KEY, schema]);
    }
    await Promise.all([a, b].map((p) => untilHealthy(p)));
    const applied = [a, b].filter((p) => p.output().includes('migrations applied'));
    expect(applied).toHaveLength(1);
    const ran = await q<{ name: string; n: string }>(
      'SELECT "name", COUNT(*) AS n FROM $S."migrations" GROUP BY "name"',
    );
    expect(ran.map((r) => r.name).sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
    expect(ran.every((r) => Number(r.n) === 1)).toBe(true);
  });

  it('should answer every delivery once and in order when they are spread over both instances', async () => {
    // Each user's messages one after the other (a person types, waits), alternating instances; the
    // users all at once.
    const statuses = await Promise.all(
      Array.from({ length: USERS }, async (_, u) => {
        const got: number[] = [];
        for (let k = 0; k < PER_USER; k++)
          got.push(await post([a, b][(u + k) % 2].url, PAGE, `U${u}`, `mid.two.${u}.${k}`, TEXTS[k]));
        return got;
      }),
    );
    // The same deliveries reaching both instances at once (a platform retry racing the original).
    const twice = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        Promise.all([a, b].map((p) => post(p.url, PAGE, `D${i}`, `mid.two.dup.${i}`, 'xin chào'))),
      ),
    );
    expect(
      statuses
        .flat()
        .concat(twice.flat())
        .every((s) => s === 200),
    ).toBe(true);
    await waitUntilIdle(90_000);

    const events = await q<{ id: number; externalId: string; userId: string; status: string }>(
      'SELECT "id", "externalId", "userId", "status" FROM $S.inbox_event ORDER BY "id"',
    );
    expect(events).toHaveLength(USERS * PER_USER + 10);
    expect(events.filter((e) => e.status !== 'done')).toEqual([]);
    // One turn per delivery: one interaction record each.
    const records = await q<{ inboxEventId: number }>('SELECT "inboxEventId" FROM $S.interaction_record');
    expect(records).toHaveLength(events.length);
    expect(new Set(records.map((r) => Number(r.inboxEventId))).size).toBe(events.length);

    // Every reply sent, each exactly once; every delivery got one.
    const outbox = await q<{ id: number; inboxEventId: number; recipientId: string }>(
      'SELECT "id", "inboxEventId", "recipientId" FROM $S.outbox_message ORDER BY "id"',
    );
    const sent = sentOutboxIds();
    expect(sent.slice().sort((x, y) => x - y)).toEqual(outbox.map((m) => Number(m.id)));
    const eventOf = new Map(outbox.map((m) => [Number(m.id), Number(m.inboxEventId)]));
    const answered = new Set(sent.map((id) => eventOf.get(id)));
    expect(events.filter((e) => !answered.has(Number(e.id)))).toEqual([]);

    // In each conversation the replies arrive in the order of the messages (and of their parts).
    const midOf = new Map(events.map((e) => [Number(e.id), e.externalId]));
    for (let u = 0; u < USERS; u++) {
      const ids = sentOutboxIds(`U${u}`);
      expect(ids).toEqual(ids.slice().sort((x, y) => x - y));
      const mids = [...new Set(ids.map((id) => midOf.get(eventOf.get(id)!)))];
      expect(mids).toEqual(Array.from({ length: PER_USER }, (_, k) => `mid.two.${u}.${k}`));
    }
  }, 120_000);

  it('should keep one intact evidence chain', () => {
    const result = spawnSync(process.execPath, [fromRoot('dist/src/cli/evidence-verify.js')], {
      env: { ...process.env, ...env('verify'), LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    expect(`${result.stdout}${result.stderr}`).toMatch(
      new RegExp(`ok {5}${UNIT}: ${USERS * PER_USER + 10} records intact`),
    );
    expect(result.status).toBe(0);
  });

  it('should have an idle instance take up work the other accepted without waiting for its poll', async () => {
    // Fill B's only turn slot: its next turn for unit 1 waits on that unit's evidence chain head,
    // which we hold. A is paused meanwhile so that B is the one to take that turn.
    const holder = new Client({ connectionString: pgUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "${schema}".interaction_chain WHERE "unitId" = $1 FOR UPDATE`, [
        UNIT,
      ]);
      a.child.kill('SIGSTOP');
      try {
        expect(await post(b.url, PAGE, 'BLOCKED', 'mid.two.blocked', 'xin chào')).toBe(200);
        for (const deadline = Date.now() + 10_000; ;) {
          const [waiting] = await holder
            .query<{ n: string }>(
              `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name = 'outreach-bot'`,
            )
            .then((r) => r.rows);
          if (Number(waiting.n) === 1) break;
          if (Date.now() > deadline) throw new Error(`B's turn is not waiting: ${b.output().slice(-1500)}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        a.child.kill('SIGCONT');
      }
      // Now every delivery for the other unit, accepted by B, can only be taken up by A. Timed up to
      // the claim (the row leaves 'pending'), not the reply, so that a slow turn does not count.
      const latencies: number[] = [];
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 400)); // any phase of A's poll
        const mid = `mid.two.wake.${i}`;
        const started = Date.now();
        expect(await post(b.url, PAGE_2, `W${i}`, mid, 'xin chào')).toBe(200);
        for (const deadline = Date.now() + 10_000; ;) {
          const [row] = await q<{ status: string }>(
            'SELECT "status" FROM $S.inbox_event WHERE "externalId" = $1',
            [mid],
          );
          if (row && row.status !== 'pending') break;
          if (Date.now() > deadline) throw new Error(`nobody took ${mid}: ${a.output().slice(-1500)}`);
          await new Promise((r) => setTimeout(r, 2));
        }
        latencies.push(Date.now() - started);
      }
      console.info(`taken up by the other instance after (ms): ${latencies.join(', ')}`);
      // Polling alone (every 500 ms) would take it up within 150 ms about 3 times in 10; the
      // notification does (nearly) always.
      expect(latencies.filter((ms) => ms < 150).length).toBeGreaterThanOrEqual(8);

      // A web chat request waits on the instance that received it (B), whichever instance takes the
      // turn (A, B's slot being held): A's 'turns' notification answers it, not B's 500 ms poll,
      // which alone could not answer before 500 ms.
      const unit2 = (parse(readFileSync(fromRoot('units.yaml'), 'utf8')) as { units: { id: string }[] })
        .units[1].id;
      const webLatencies: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        const res = await fetch(`${b.url}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sessionId: `two-web-${i}`, text: 'giờ làm việc', unit: unit2 }),
        });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { replies: unknown[] }).replies.length).toBeGreaterThan(0);
        webLatencies.push(Date.now() - started);
      }
      console.info(`web chat on B answered by A after (ms): ${webLatencies.join(', ')}`);
      expect(webLatencies.filter((ms) => ms < 400).length).toBeGreaterThanOrEqual(4);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await waitUntilIdle(30_000);
    for (const user of ['BLOCKED', ...Array.from({ length: 10 }, (_, i) => `W${i}`)])
      expect(sentOutboxIds(user).length).toBeGreaterThan(0);
  }, 120_000);
});
