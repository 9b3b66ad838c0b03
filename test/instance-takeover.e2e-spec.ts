import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { graphFake, type PlatformFake } from './fakes/platform-fake';
import { ensureBuilt, startAppProcess, type AppProcess } from './support/app-process';
import { signMessenger } from './support/channel-helpers';

const SECRET = 'TAKEOVER_SECRET';
const PAGE = 'PAGE_TAKEOVER';
const N = 40;
const LEASE_MS = 3000;

const pgUrl = process.env.TEST_DATABASE_URL;
const onPostgres = pgUrl ? describe : describe.skip;

/**
 * Two instances on one PostgreSQL; one is killed (kill -9) with turns and sends in flight. The other,
 * still running, must take over the dead one's claims once their lease lapses — not only at its own
 * next start — and answer every event exactly once.
 */
onPostgres('two instances on PostgreSQL: one dies mid-turn', () => {
  const schema = `takeover_${process.pid}_${Date.now().toString(36)}`;
  const dirs: string[] = [];
  let graph: PlatformFake;
  let a: AppProcess | undefined;
  let b: AppProcess | undefined;
  let db: Client;

  beforeAll(async () => {
    ensureBuilt();
    db = new Client({ connectionString: pgUrl });
    await db.connect();
  });
  afterAll(async () => {
    a?.child.kill('SIGKILL');
    b?.child.kill('SIGKILL');
    await graph?.stop();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const count = async (sql: string): Promise<number> =>
    Number((await db.query<{ n: string }>(sql.replaceAll('$S', `"${schema}"`))).rows[0].n);

  it('should let the survivor finish the dead instance’s conversations, each answered once', async () => {
    graph = graphFake();
    // A platform 150 ms away: replies are still on their way when the instance dies.
    graph.script(
      'POST /me/messages',
      ...Array.from({ length: 1000 }, () => ({ delayMs: 150, body: { message_id: 'm' } })),
    );
    const url = await graph.start();
    const env = (name: string) => {
      const dir = mkdtempSync(join(tmpdir(), `outreach-takeover-${name}-`));
      dirs.push(dir);
      return {
        DATA_DIR: dir,
        DATABASE_URL: pgUrl!,
        DATABASE_SCHEMA: schema,
        USER_KEY_SECRET: 'takeover-user-key-secret-0123456789abcdef',
        SESSION_SECRET: 'takeover-session-secret-0123456789abcdef',
        NLU_CACHE_DIR: join(tmpdir(), 'outreach-test-nlu-cache'),
        INBOX_LEASE_MS: String(LEASE_MS),
        OUTBOX_LEASE_MS: String(LEASE_MS),
        MESSENGER_APP_SECRET: SECRET,
        MESSENGER_VERIFY_TOKEN: 'verify',
        MESSENGER_PAGE_ID: PAGE,
        MESSENGER_PAGE_ACCESS_TOKEN: 'TOKEN',
        MESSENGER_API_URL: url,
      };
    };
    // One after the other: the first applies the migrations.
    a = await startAppProcess(env('a'));
    b = await startAppProcess(env('b'));

    const post = (base: string, i: number) => {
      const raw = JSON.stringify({
        object: 'page',
        entry: [
          {
            id: PAGE,
            time: Date.now(),
            messaging: [
              {
                sender: { id: `T${i}` },
                recipient: { id: PAGE },
                timestamp: Date.now(),
                message: { mid: `mid.takeover.${i}`, text: i % 2 ? 'xin chào' : 'quên mật khẩu vneid' },
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
    // Everything goes to A (a load balancer's unlucky pick); A is killed once the sends start.
    const statuses = await Promise.all(Array.from({ length: N }, (_, i) => post(a!.url, i)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    for (const deadline = Date.now() + 20_000; graph.requests.length < 3;) {
      if (Date.now() > deadline) throw new Error('A sent nothing');
      await new Promise((r) => setTimeout(r, 10));
    }
    a.child.kill('SIGKILL');
    await a.exited;
    const killedAt = Date.now();
    // The kill left claims behind: turns or sends that A held when it died.
    const held = await count(
      `SELECT (SELECT COUNT(*) FROM $S.inbox_event WHERE status = 'processing') + (SELECT COUNT(*) FROM $S.outbox_message WHERE status = 'sending') AS n`,
    );
    expect(held).toBeGreaterThan(0);

    // B, never restarted, finishes everything.
    for (const deadline = Date.now() + 40_000; ;) {
      const open = await count(
        `SELECT (SELECT COUNT(*) FROM $S.inbox_event WHERE status IN ('pending','processing')) + (SELECT COUNT(*) FROM $S.outbox_message WHERE status IN ('pending','sending')) AS n`,
      );
      if (open === 0) break;
      if (Date.now() > deadline)
        throw new Error(`B did not finish: ${open} open; ${b.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Reported, not asserted (no timings in tests): how long after the kill B had it all done.
    console.info(`takeover: all done ${Date.now() - killedAt} ms after the kill (lease ${LEASE_MS} ms)`);

    expect(await count(`SELECT COUNT(*) AS n FROM $S.inbox_event WHERE status <> 'done'`)).toBe(0);
    expect(await count(`SELECT COUNT(*) AS n FROM $S.inbox_event`)).toBe(N);
    // Exactly one record per event, and per conversation.
    expect(await count(`SELECT COUNT(*) AS n FROM $S.interaction_record`)).toBe(N);
    expect(await count(`SELECT COUNT(DISTINCT "inboxEventId") AS n FROM $S.interaction_record`)).toBe(N);
    expect(await count(`SELECT COUNT(*) AS n FROM $S.outbox_message WHERE status <> 'sent'`)).toBe(0);

    // Every reply reached the platform; one sent twice is one whose send was cut by the kill.
    const outbox = (await db.query<{ id: number }>(`SELECT id FROM "${schema}".outbox_message`)).rows;
    const sent = graph
      .on('POST /me/messages')
      .map((r) => (r.body as { message?: { metadata?: string } }).message?.metadata)
      .filter((m): m is string => !!m)
      .map((m) => Number(m.slice('outbox:'.length)));
    expect(new Set(sent)).toEqual(new Set(outbox.map((m) => Number(m.id))));
    const times = new Map<number, number>();
    for (const id of sent) times.set(id, (times.get(id) ?? 0) + 1);
    const interrupted = new Set(
      (
        await db.query<{ outboxId: number }>(
          `SELECT DISTINCT "outboxId" FROM "${schema}".outbox_attempt WHERE "finishedAt" IS NULL`,
        )
      ).rows.map((r) => Number(r.outboxId)),
    );
    expect([...times].filter(([id, n]) => n > 1 && !interrupted.has(id))).toEqual([]);
  });
});
