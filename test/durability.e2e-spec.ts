import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { graphFake, type PlatformFake } from './fakes/platform-fake';
import { ensureBuilt, freePort, startAppProcess, type AppProcess } from './support/app-process';
import { signMessenger } from './support/channel-helpers';

const SECRET = 'DURABILITY_SECRET';
const PAGE = 'PAGE_DURABLE';
const N = 60;

/**
 * kill -9 in the middle of a burst of webhooks, restart, and let the platform re-deliver everything
 * (what it does for deliveries it saw fail, and sometimes for the others too).
 */
describe('durability under kill -9', () => {
  let dir: string;
  let graph: PlatformFake;
  let app: AppProcess | undefined;

  beforeAll(() => ensureBuilt());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outreach-kill-'));
  });
  afterEach(async () => {
    app?.child.kill('SIGKILL');
    await graph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should lose nothing acknowledged and process every event exactly once', async () => {
    graph = graphFake();
    // A platform a few milliseconds away, so that replies are still on their way when the process dies.
    graph.script(
      'POST /me/messages',
      ...Array.from({ length: 400 }, () => ({ delayMs: 5, body: { message_id: 'm' } })),
    );
    const url = await graph.start();
    const port = String(await freePort());
    const env = {
      PORT: port,
      DATA_DIR: dir,
      NLU_CACHE_DIR: join(tmpdir(), 'outreach-test-nlu-cache'),
      MESSENGER_APP_SECRET: SECRET,
      MESSENGER_VERIFY_TOKEN: 'verify',
      MESSENGER_PAGE_ID: PAGE,
      MESSENGER_PAGE_ACCESS_TOKEN: 'TOKEN',
      MESSENGER_API_URL: url,
    };
    const body = (i: number) =>
      JSON.stringify({
        object: 'page',
        entry: [
          {
            id: PAGE,
            time: Date.now(),
            messaging: [
              {
                sender: { id: `P${i}` },
                recipient: { id: PAGE },
                timestamp: Date.now(),
                message: { mid: `mid.kill.${i}`, text: i % 2 ? 'xin chào' : 'quên mật khẩu vneid' },
              },
            ],
          },
        ],
      });
    const payloads = Array.from({ length: N }, (_, i) => body(i));
    const post = (base: string, raw: string) =>
      fetch(`${base}/webhooks/messenger`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMessenger(raw, SECRET) },
        body: raw,
      }).then(
        (r) => r.status,
        () => 0,
      );

    app = await startAppProcess(env);
    let acknowledged = 0;
    const first = payloads.map((raw) =>
      post(app!.url, raw).then((status) => {
        if (status === 200 && ++acknowledged === 20) app!.child.kill('SIGKILL');
        return status;
      }),
    );
    const firstRound = await Promise.all(first);
    await app.exited;
    const acked = firstRound.map((s, i) => (s === 200 ? i : -1)).filter((i) => i >= 0);
    expect(acked.length).toBeGreaterThanOrEqual(20);
    // The kill really cut work short: acknowledged events or replies were left unfinished.
    const crashed = new DataSource({ type: 'sqlite', database: join(dir, 'bot.sqlite') });
    await crashed.initialize();
    const [{ unfinished }] = await crashed.query<{ unfinished: number }[]>(
      "SELECT (SELECT COUNT(*) FROM inbox_event WHERE status IN ('pending','processing')) + (SELECT COUNT(*) FROM outbox_message WHERE status IN ('pending','sending')) AS unfinished",
    );
    await crashed.destroy();
    expect(Number(unfinished)).toBeGreaterThan(0);

    app = await startAppProcess(env);
    // The platform re-delivers everything, and retries a delivery that failed (as Meta does).
    const redeliver = async (raw: string) => {
      let status = 0;
      for (let attempt = 0; attempt < 4 && status !== 200; attempt++) {
        if (attempt) await new Promise((r) => setTimeout(r, 250 * attempt));
        status = await post(app!.url, raw);
      }
      return status;
    };
    const secondRound = await Promise.all(payloads.map(redeliver));
    expect(secondRound.filter((s) => s !== 200)).toEqual([]);

    const db = new DataSource({ type: 'sqlite', database: join(dir, 'bot.sqlite') });
    await db.initialize();
    try {
      // Wait until every turn is done and every reply has been delivered.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [{ open }] = await db.query<{ open: number }[]>(
          "SELECT (SELECT COUNT(*) FROM inbox_event WHERE status IN ('pending','processing')) + (SELECT COUNT(*) FROM outbox_message WHERE status IN ('pending','sending')) AS open",
        );
        if (Number(open) === 0) break;
        if (Date.now() > deadline) throw new Error('the restarted app did not finish the work');
        await new Promise((r) => setTimeout(r, 200));
      }
      const inbox = await db.query<{ externalId: string; status: string }[]>(
        'SELECT "externalId", status FROM inbox_event',
      );
      expect(inbox).toHaveLength(N);
      expect(inbox.every((e) => e.status === 'done')).toBe(true);
      const perConversation = await db.query<{ userId: string; records: number }[]>(
        'SELECT c."userId", COUNT(r.id) AS records FROM conversation c JOIN interaction_record r ON r."conversationId" = c.id GROUP BY c."userId"',
      );
      expect(perConversation).toHaveLength(N);
      expect(perConversation.every((c) => Number(c.records) === 1)).toBe(true);

      const outbox = await db.query<{ id: number; status: string; recipientId: string }[]>(
        'SELECT id, status, "recipientId" FROM outbox_message',
      );
      expect(outbox.every((m) => m.status === 'sent')).toBe(true);
      const sentIds = graph
        .on('POST /me/messages')
        .map((r) => (r.body as { message?: { metadata?: string } }).message?.metadata)
        .filter((m): m is string => !!m)
        .map((m) => Number(m.slice('outbox:'.length)));
      // Every reply reached the platform…
      expect(new Set(sentIds)).toEqual(new Set(outbox.map((m) => m.id)));
      // …and a reply sent twice is one whose delivery was cut by the kill (request out, result not recorded).
      const counts = new Map<number, number>();
      for (const id of sentIds) counts.set(id, (counts.get(id) ?? 0) + 1);
      const duplicated = [...counts].filter(([, c]) => c > 1).map(([id]) => id);
      const interrupted = (
        await db.query<{ outboxId: number }[]>(
          'SELECT DISTINCT "outboxId" FROM outbox_attempt WHERE "finishedAt" IS NULL',
        )
      ).map((r) => Number(r.outboxId));
      expect(duplicated.filter((id) => !interrupted.includes(id))).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
