import { randomUUID } from 'node:crypto';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { InboxWorker } from '../src/inbox/inbox.worker';
import { OutboxMessageEntity } from '../src/outbox/outbox-message.entity';
import { graphFake, type PlatformFake } from './fakes/platform-fake';
import { fixture, freshMessenger, signMessenger } from './support/channel-helpers';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';

const SECRET = 'FAKE_SECRET';
const PAGE = 'PAGE_ID_0001';
const DEFAULT_UNIT = 'so-y-te-khanh-hoa';
const MESSENGER_ENV = (url: string) => ({
  MESSENGER_APP_SECRET: SECRET,
  MESSENGER_VERIFY_TOKEN: 'meatyhamhock',
  MESSENGER_PAGE_ID: PAGE,
  MESSENGER_PAGE_ACCESS_TOKEN: 'PAGE_ACCESS_TOKEN_PLACEHOLDER',
  MESSENGER_API_URL: `${url}/v25.0`,
  MESSENGER_APP_ID: '1111111111111111',
  CHANNEL_HTTP_TIMEOUT_MS: '400',
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, sample lines only. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[key] = value.replace(/\\(.)/g, '$1');
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of a metric's samples whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

describe.each(testDatabases())('Metrics and health (%s)', (database) => {
  let t: TestApp;
  let graph: PlatformFake;
  const session = `metrics-session-${randomUUID()}`;
  const psid = `PSID_METRICS_${database.toUpperCase()}_7731`;
  const phone = '0912345678';
  const texts = ['xin chào', 'quên mật khẩu vneid', `số của tôi là ${phone}, gọi lại giúp`];
  let n = 0;

  beforeAll(async () => {
    graph = graphFake();
    t = await startTestApp({ database, env: MESSENGER_ENV(await graph.start()) });
  });
  afterAll(async () => {
    await t?.close();
    await graph?.stop();
  });

  const scrape = async () => {
    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: res.text, samples: parse(res.text) };
  };

  const deliverMessenger = async (text: string) => {
    const payload = fixture<{
      entry: { messaging: { sender: { id: string }; message: { text: string } }[] }[];
    }>('messenger/text-message.json');
    payload.entry[0].messaging[0].sender.id = psid;
    payload.entry[0].messaging[0].message.text = text;
    const raw = JSON.stringify(freshMessenger(payload, new Date(), `.metrics.${database}.${++n}`));
    await t
      .http()
      .post('/webhooks/messenger')
      .set('content-type', 'application/json')
      .set('x-hub-signature-256', signMessenger(raw, SECRET))
      .send(raw)
      .expect(200);
  };

  it('should count web chat turns by unit, channel and intent, their durations and the requests by route', async () => {
    const before = await scrape();
    const intents: string[] = [];
    for (const text of texts) {
      const res = await t.http().post('/api/chat').send({ sessionId: session, text }).expect(200);
      intents.push(res.body.intent);
    }
    // Paths with ids and query strings, and one no route matches.
    await t.http().get('/console/complaints/48213?q=0912345678');
    await t.http().get(`/no-such-page/${session}`).expect(404);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string> = {}) =>
      total(after.samples, name, labels) - total(before.samples, name, labels);
    expect(delta('outreach_turns_total', { unit: DEFAULT_UNIT, channel: 'web' })).toBe(3);
    for (const intent of new Set(intents))
      expect(delta('outreach_turns_total', { unit: DEFAULT_UNIT, channel: 'web', intent })).toBe(
        intents.filter((i) => i === intent).length,
      );
    expect(delta('outreach_turn_duration_seconds_count', { channel: 'web' })).toBe(3);
    expect(delta('outreach_turn_duration_seconds_bucket', { channel: 'web', le: '+Inf' })).toBe(3);
    expect(delta('outreach_http_requests_total', { route: '/api/chat', status: '200' })).toBe(3);
    expect(delta('outreach_http_requests_total', { route: '/console/complaints/:id' })).toBe(1);
    expect(delta('outreach_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    // The first scrape was counted once it was answered.
    expect(delta('outreach_http_requests_total', { route: '/metrics', status: '200' })).toBe(1);

    for (const gauge of ['outreach_inbox_pending', 'outreach_outbox_pending']) {
      const [sample] = after.samples.filter((s) => s.name === gauge);
      expect(sample).toBeDefined();
      expect(Number.isInteger(sample.value) && sample.value >= 0).toBe(true);
    }
    expect(total(after.samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('should show pending outbox messages at scrape time', async () => {
    const conversation = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: session });
    // A reply due in an hour: pending, and not claimed by the dispatcher before the scrape.
    const row = await t.db.manager.save(OutboxMessageEntity, {
      unitId: DEFAULT_UNIT,
      channel: 'web',
      conversationId: conversation.id,
      recipientId: session,
      inboxEventId: null,
      userMessageAt: null,
      position: 0,
      origin: 'bot',
      message: { text: 'later' },
      status: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(Date.now() + 3_600_000),
      createdAt: new Date(),
    } as Partial<OutboxMessageEntity>);
    try {
      expect(total((await scrape()).samples, 'outreach_outbox_pending')).toBeGreaterThanOrEqual(1);
    } finally {
      await t.db.manager.delete(OutboxMessageEntity, { id: row.id });
    }
  });

  it('should count a Messenger send that failed, by channel and send result', async () => {
    const before = await scrape();
    graph.scriptFor(
      (r) =>
        r.path.endsWith('/me/messages') &&
        (r.body as { recipient?: { id?: string } }).recipient?.id === psid &&
        !!(r.body as { message?: unknown }).message,
      { status: 400, body: fixture('messenger/error-invalid-token-190.json') },
    );
    await deliverMessenger('quên mật khẩu vneid');
    const after = await eventually(async () => {
      const current = await scrape();
      return total(current.samples, 'outreach_outbox_failures_total', {
        channel: 'messenger',
        reason: 'permanent',
      }) >
        total(before.samples, 'outreach_outbox_failures_total', { channel: 'messenger', reason: 'permanent' })
        ? current
        : null;
    });
    expect(
      total(after.samples, 'outreach_outbox_failures_total', { channel: 'messenger', reason: 'permanent' }) -
        total(before.samples, 'outreach_outbox_failures_total', {
          channel: 'messenger',
          reason: 'permanent',
        }),
    ).toBe(1);
    expect(
      total(after.samples, 'outreach_turns_total', { unit: DEFAULT_UNIT, channel: 'messenger' }) -
        total(before.samples, 'outreach_turns_total', { unit: DEFAULT_UNIT, channel: 'messenger' }),
    ).toBe(1);
    expect(
      total(after.samples, 'outreach_http_requests_total', { route: '/webhooks/messenger', status: '200' }),
    ).toBe(
      total(before.samples, 'outreach_http_requests_total', { route: '/webhooks/messenger', status: '200' }) +
        1,
    );
  });

  it('should carry no phone number, session, user or conversation id, nor message text in the scrape', async () => {
    const { text, samples } = await scrape();
    const conversations = await t.db.manager.find(ConversationEntity);
    expect(conversations.map((c) => c.userId).sort()).toEqual([psid, session].sort());
    const secrets = [
      session,
      psid,
      phone,
      ...conversations.flatMap((c) => [c.id, c.userId, c.userKey]),
      ...texts,
      'quên mật khẩu',
      '48213',
    ];
    const values = samples.flatMap((s) => Object.values(s.labels));
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) {
      expect(value).not.toMatch(/\d{6,}/); // phone numbers, ids
      expect(value).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/i); // uuids
      expect(value).not.toMatch(/\s/); // free text
      for (const secret of secrets) expect(value).not.toContain(secret);
    }
    for (const secret of secrets) expect(text).not.toContain(secret);
    // Each label comes from a fixed set.
    const labelValues = (label: string) =>
      new Set(samples.flatMap((s) => (label in s.labels ? [s.labels[label]] : [])));
    expect([...labelValues('channel')].every((c) => ['messenger', 'zalo', 'web', 'other'].includes(c))).toBe(
      true,
    );
    expect([...labelValues('unit')]).toEqual([DEFAULT_UNIT]);
    expect([...labelValues('route')].every((r) => r === 'unmatched' || r.startsWith('/'))).toBe(true);
    expect([...labelValues('route')].some((r) => r.includes('?'))).toBe(false);
    expect([...labelValues('status')].every((s) => /^[1-5]\d\d$/.test(s))).toBe(true);
  });

  it('should refuse a request that a proxy forwarded when no token is set', async () => {
    const res = await t.http().get('/metrics').set('x-forwarded-for', '203.0.113.9').expect(403);
    expect(res.body.message).toMatch(/METRICS_TOKEN/);
  });

  it('should be ready, and stay alive on /health, while everything runs', async () => {
    const res = await t.http().get('/health/ready').expect(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok', inboxWorker: 'running', outboxDispatcher: 'running' },
    });
    const live = await t.http().get('/health').expect(200);
    expect(live.body).toMatchObject({
      status: 'ok',
      database: database === 'postgres' ? 'postgres' : 'sqlite',
    });
  });

  it('should not be ready while a migration is pending, naming it', async () => {
    const [last] = await t.db.manager.query<{ id: number; timestamp: string; name: string }[]>(
      `SELECT "id", "timestamp", "name" FROM "migrations" ORDER BY "id" DESC LIMIT 1`,
    );
    const p = (i: number) => t.db.param(i);
    await t.db.transaction((m) => m.query(`DELETE FROM "migrations" WHERE "id" = ${p(1)}`, [last.id]));
    try {
      const res = await t.http().get('/health/ready').expect(503);
      expect(res.body).toMatchObject({
        status: 'not_ready',
        notReady: ['migrations'],
        pendingMigrations: [last.name],
      });
    } finally {
      await t.db.transaction((m) =>
        m.query(`INSERT INTO "migrations" ("id", "timestamp", "name") VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [
          last.id,
          last.timestamp,
          last.name,
        ]),
      );
    }
    await t.http().get('/health/ready').expect(200);
  });

  // Last: the worker stays stopped.
  it('should not be ready once the inbox worker stopped, naming it, while /health stays alive', async () => {
    await t.app.get(InboxWorker).beforeApplicationShutdown();
    const res = await t.http().get('/health/ready').expect(503);
    expect(res.body).toMatchObject({
      status: 'not_ready',
      notReady: ['inboxWorker'],
      checks: { database: 'ok', migrations: 'ok', inboxWorker: 'stopped', outboxDispatcher: 'running' },
    });
    await t.http().get('/health').expect(200);
  });
});

describe('Who may read /metrics', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('should require the bearer token from everyone, loopback too, when METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-0123456789abcdef';
    t = await startTestApp({ env: { METRICS_TOKEN: token } });
    const missing = await t.http().get('/metrics').expect(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(missing.body.message).toMatch(/METRICS_TOKEN/);
    await t.http().get('/metrics').set('authorization', 'Bearer wrong-token-0123456789').expect(401);
    await t.http().get('/metrics').set('authorization', `Basic ${token}`).expect(401);
    const ok = await t.http().get('/metrics').set('authorization', `Bearer ${token}`).expect(200);
    expect(ok.text).toContain('# TYPE outreach_turns_total counter');
    // A proxied request with the token is fine: the token is the proof.
    await t
      .http()
      .get('/metrics')
      .set('authorization', `Bearer ${token}`)
      .set('x-forwarded-for', '203.0.113.9')
      .expect(200);
  });

  it('should answer 404 when METRICS=off, and still serve the health checks', async () => {
    t = await startTestApp({ env: { METRICS: 'off' } });
    const res = await t.http().get('/metrics').expect(404);
    expect(res.body.message).toMatch(/METRICS=off/);
    await t.http().get('/health').expect(200);
    await t.http().get('/health/ready').expect(200);
  });
});
