import { Logger } from '@nestjs/common';
import { currentCorrelationId, withCorrelationId } from '../src/common/correlation';
import { ConsoleAuthService } from '../src/console/console-auth.service';
import { ConsoleRepository } from '../src/console/console.repository';
import { LeaseLostError } from '../src/common/errors';
import { InboxRepository } from '../src/inbox/inbox.repository';
import { InboxWorker } from '../src/inbox/inbox.worker';
import { OutboxRepository } from '../src/outbox/outbox.repository';
import type { SendResult } from '../src/messaging/channel-sender';
import { OutboxService } from '../src/outbox/outbox.service';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';

describe.each(testDatabases())('queue leases (%s)', (database) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ database });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await t.close();
  });

  const event = (externalId: string, userId: string) => ({
    channel: 'web',
    externalId,
    unitId: 'so-y-te-khanh-hoa',
    userId,
    conversationKey: `so-y-te-khanh-hoa|web|${userId}`,
    kind: 'text',
    text: null,
    payload: null,
    meta: null,
    occurredAt: new Date(),
    receivedAt: new Date(),
    correlationId: null,
  });

  /** A bot's reply to `user`, as a turn would enqueue it. */
  const reply = (channel: string, conversationId: string, user: string) => ({
    unitId: 'so-y-te-khanh-hoa',
    channel,
    conversationId,
    recipientId: user,
    inboxEventId: null,
    userMessageAt: null,
    position: 0,
    origin: 'bot' as const,
    message: { text: `to ${user}` },
  });

  it('should let another worker take over an expired claim, keep the order, and refuse the old worker its commit', async () => {
    // The app's own worker stays out of the way: this test plays two workers by hand.
    await t.app.get(InboxWorker).beforeApplicationShutdown();
    const inbox = t.app.get(InboxRepository, { strict: false });
    const outbox = t.app.get(OutboxRepository, { strict: false });
    const [first, second] = await inbox.insertNew([event('lease-1', 'U1'), event('lease-2', 'U1')]);
    const t0 = new Date(Date.now() + 60_000);
    const claimedByA = await inbox.claim(5, new Set(), 'worker-a', t0, 1000);
    expect(claimedByA.map((r) => r.id)).toEqual([first.id]);
    // Within the lease nobody else gets it.
    expect(await inbox.claim(5, new Set(), 'worker-b', new Date(t0.getTime() + 500), 1000)).toEqual([]);
    // After it, B takes the expired claim — and only it: the later event of the conversation waits.
    const later = new Date(t0.getTime() + 2000);
    const claimedByB = await inbox.claim(5, new Set(), 'worker-b', later, 1000);
    expect(claimedByB.map((r) => [r.id, r.lockedBy, r.attempts])).toEqual([[first.id, 'worker-b', 2]]);

    // A finishes its (slow) turn: the whole transaction fails, nothing it wrote remains.
    const turn = (owner: string) =>
      t.db.transaction(async (m) => {
        await outbox.insert(
          m,
          [
            {
              unitId: 'so-y-te-khanh-hoa',
              channel: 'web',
              conversationId: 'c-lease',
              recipientId: 'U1',
              inboxEventId: first.id,
              userMessageAt: null,
              position: 0,
              origin: 'bot',
              message: { text: `answer by ${owner}` },
            },
          ],
          later,
        );
        await inbox.complete(m, first.id, owner, 'done', null, later);
      });
    await expect(turn('worker-a')).rejects.toBeInstanceOf(LeaseLostError);
    expect(await t.app.get(OutboxService).byInboxEvent(first.id)).toEqual([]);
    expect((await inbox.findById(first.id))?.status).toBe('processing');

    await turn('worker-b');
    expect((await t.app.get(OutboxService).byInboxEvent(first.id)).map((m) => m.message.text)).toEqual([
      'answer by worker-b',
    ]);
    expect((await inbox.findById(first.id))?.status).toBe('done');
    // Now the next event of the conversation is free.
    const next = await inbox.claim(5, new Set(), 'worker-b', later, 1000);
    expect(next.map((r) => r.id)).toEqual([second.id]);
  });

  it('should record a batch of finished sends in one go, keeping only those whose lease still holds, each with its own outcome', async () => {
    // The app's own sender stays out of the way: this test claims and finishes by hand.
    await t.app.get(OutboxService).beforeApplicationShutdown();
    const outbox = t.app.get(OutboxRepository, { strict: false });
    const t0 = new Date(Date.now() + 60_000);
    const rows = await t.db.transaction((m) =>
      outbox.insert(
        m,
        ['U4', 'U1', 'U2', 'U3'].map((user) => reply('nowhere', `c-finish-${user}`, user)),
        t0,
      ),
    );
    const claimed = await outbox.claim('nowhere', 10, 'worker-a', t0, 1000);
    expect(claimed.map((c) => c.message.id).sort()).toEqual(rows.map((r) => r.id).sort());
    const byUser = new Map(claimed.map((c) => [c.message.recipientId, c]));
    // The leases run out; worker-b takes over one (U4's, the oldest) before worker-a reports.
    const later = new Date(t0.getTime() + 2000);
    const [takenOver] = await outbox.claim('nowhere', 1, 'worker-b', later, 1000);
    expect(takenOver.message.recipientId).toBe('U4');

    const done = (user: string) => ({
      id: byUser.get(user)!.message.id,
      attemptId: byUser.get(user)!.attemptId,
      now: later,
    });
    const retryAt = new Date(later.getTime() + 30_000);
    const results = await outbox.finishMany(
      [
        {
          ...done('U1'),
          attempt: { result: 'ok', httpStatus: 200, errorCode: null, error: null },
          next: { status: 'sent', platformMessageId: 'mid.1', partsSent: 1 },
        },
        {
          ...done('U2'),
          attempt: { result: 'transient', httpStatus: 503, errorCode: '2', error: 'try later' },
          next: { status: 'pending', nextAttemptAt: retryAt, lastError: 'try later' },
        },
        {
          ...done('U3'),
          attempt: { result: 'permanent', httpStatus: 400, errorCode: '100', error: 'bad recipient' },
          next: { status: 'failed', lastError: 'bad recipient' },
        },
        {
          ...done('U4'),
          attempt: { result: 'ok', httpStatus: 200, errorCode: null, error: null },
          next: { status: 'sent', platformMessageId: 'mid.4' },
        },
      ],
      'worker-a',
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect((results[3] as { error: unknown }).error).toBeInstanceOf(LeaseLostError);

    const row = async (user: string) => (await t.app.get(OutboxService).find(byUser.get(user)!.message.id))!;
    const u1 = await row('U1');
    expect([u1.status, u1.platformMessageId, u1.sentAt?.getTime(), u1.partsSent, u1.lockedBy]).toEqual([
      'sent',
      'mid.1',
      later.getTime(),
      1,
      null,
    ]);
    const u2 = await row('U2');
    expect([u2.status, u2.nextAttemptAt.getTime(), u2.lastError, u2.sentAt, u2.platformMessageId]).toEqual([
      'pending',
      retryAt.getTime(),
      'try later',
      null,
      null,
    ]);
    const u3 = await row('U3');
    expect([u3.status, u3.lastError, u3.partsSent]).toEqual(['failed', 'bad recipient', 0]);
    // worker-b still holds U4: nothing of worker-a's report reached it.
    const u4 = await row('U4');
    expect([u4.status, u4.lockedBy, u4.platformMessageId]).toEqual(['sending', 'worker-b', null]);

    const attempts = await t.db.dataSource.query<Record<string, unknown>[]>(
      'SELECT "outboxId", "result", "httpStatus", "errorCode", "error", "finishedAt" FROM "outbox_attempt" ORDER BY "id"',
    );
    const outcome = (user: string) =>
      attempts
        .filter((a) => Number(a.outboxId) === byUser.get(user)!.message.id)
        .map((a) => [
          a.result,
          a.httpStatus === null ? null : Number(a.httpStatus),
          a.errorCode,
          a.error,
          a.finishedAt === null ? null : Number(a.finishedAt),
        ]);
    expect(outcome('U1')).toEqual([['ok', 200, null, null, later.getTime()]]);
    expect(outcome('U2')).toEqual([['transient', 503, '2', 'try later', later.getTime()]]);
    expect(outcome('U3')).toEqual([['permanent', 400, '100', 'bad recipient', later.getTime()]]);
    // worker-a's attempt on U4 stays open (interrupted), worker-b's is in flight.
    expect(outcome('U4')).toEqual([
      [null, null, null, null, null],
      [null, null, null, null, null],
    ]);
  });

  it('should record the results of sends answered close together in one transaction, without waiting on a slow answer', async () => {
    const service = t.app.get(OutboxService);
    const outbox = t.app.get(OutboxRepository, { strict: false });
    const finishMany = jest.spyOn(outbox, 'finishMany');
    const answers: { to: string; answer: (r: SendResult) => void }[] = [];
    service.registerSender({
      channel: 'messenger',
      concurrency: 16,
      send: (_message, context) =>
        new Promise<SendResult>((answer) => answers.push({ to: context.recipientId, answer })),
    });
    const users = ['B1', 'B2', 'B3', 'B4'];
    const rows = await t.db.transaction((m) =>
      service.enqueue(
        m,
        users.map((user) => reply('messenger', `c-answers-${user}`, user)),
      ),
    );
    service.notify(['messenger']);
    await eventually(async () => answers.length === users.length);
    // Three answers a couple of milliseconds apart, each in its own turn of the event loop.
    for (const { answer } of answers.slice(0, 3)) {
      answer({ status: 'ok', platformMessageId: 'm' });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    // The fourth send is still waiting: the three are recorded without it.
    const first = await eventually(async () => finishMany.mock.calls[0]?.[0]);
    expect(first.length).toBeGreaterThan(1);
    answers[3].answer({ status: 'transient', error: 'timeout', retryAfterMs: 60_000 });
    await eventually(async () => finishMany.mock.calls.flatMap((c) => c[0]).length === users.length);
    expect(finishMany.mock.calls.length).toBeLessThan(users.length);
    const recorded = finishMany.mock.calls.flatMap((c) => c[0]).map((f) => f.id);
    expect(recorded.sort()).toEqual(rows.map((r) => r.id).sort());
    const statusOf = async (user: string) => (await service.find(rows[users.indexOf(user)].id))?.status;
    expect(await Promise.all(answers.map(({ to }) => statusOf(to)))).toEqual([
      'sent',
      'sent',
      'sent',
      'pending',
    ]);
  });

  it('should keep the correlation id of the turn on the outbox row and on the log of a failed delivery', async () => {
    const warnings: { msg?: string; correlationId?: string }[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push({ ...(message as { msg?: string }), correlationId: currentCorrelationId() });
    });
    const outbox = t.app.get(OutboxService);
    const [row] = await withCorrelationId('corr-delivery-1', () =>
      t.db.transaction((m) =>
        outbox.enqueue(m, [
          {
            unitId: 'so-y-te-khanh-hoa',
            // No sender for this channel: the delivery fails permanently and says so in the log.
            channel: 'nowhere',
            conversationId: 'c-corr',
            recipientId: 'U2',
            inboxEventId: null,
            userMessageAt: null,
            position: 0,
            origin: 'bot',
            message: { text: 'x' },
          },
        ]),
      ),
    );
    outbox.notify();
    expect(row.correlationId).toBe('corr-delivery-1');
    await eventually(async () => (await outbox.find(row.id))?.status === 'failed');
    const failed = warnings.find((w) => w.msg === 'delivery attempt failed');
    expect(failed?.correlationId).toBe('corr-delivery-1');
  });
});

describe.each(testDatabases())('queue retention (%s)', (database) => {
  let t: TestApp;

  beforeEach(async () => {
    // A short grace: the pending row left on purpose would otherwise hold the close for the default 10 s.
    t = await startTestApp({ database, env: { QUEUE_RETENTION_DAYS: '30', SHUTDOWN_GRACE_MS: '500' } });
  });
  afterEach(() => t.close());

  it('should purge old processed inbox events and finished bot replies, keep recent, open and staff rows, and still dedupe a redelivery', async () => {
    const worker = t.app.get(InboxWorker);
    await worker.beforeApplicationShutdown();
    const inbox = t.app.get(InboxRepository, { strict: false });
    const outbox = t.app.get(OutboxService);
    const now = new Date();
    const old = new Date(now.getTime() - 40 * 86_400_000);
    const recent = new Date(now.getTime() - 1 * 86_400_000);
    const row = (externalId: string, receivedAt: Date, status: 'done' | 'pending' | 'ignored') => ({
      channel: 'messenger',
      externalId,
      unitId: 'so-y-te-khanh-hoa',
      userId: externalId,
      conversationKey: `so-y-te-khanh-hoa|messenger|${externalId}`,
      kind: 'text',
      text: null,
      payload: null,
      meta: null,
      occurredAt: receivedAt,
      receivedAt,
      correlationId: null,
      status,
    });
    const [oldDone, oldIgnored, oldPending, recentDone] = await inbox.insertNew([
      row('old-done', old, 'done'),
      row('old-ignored', old, 'ignored'),
      row('old-pending', old, 'pending'),
      row('recent-done', recent, 'done'),
    ]);

    const reply = (origin: string, createdAt: Date) =>
      t.db.transaction((m) =>
        t.app.get(OutboxRepository, { strict: false }).insert(
          m,
          [
            {
              unitId: 'so-y-te-khanh-hoa',
              channel: 'nowhere', // no sender: each fails at once, which finishes it
              conversationId: `c-${origin}-${createdAt.getTime()}`,
              recipientId: 'U',
              inboxEventId: null,
              userMessageAt: null,
              position: 0,
              origin,
              message: { text: 'x' },
            },
          ],
          createdAt,
        ),
      );
    const [[oldBot], [recentBot], [oldStaff]] = [
      await reply('bot', old),
      await reply('bot', recent),
      await reply('staff', old),
    ];
    outbox.notify();
    await eventually(async () => {
      const rows = await Promise.all([oldBot, recentBot, oldStaff].map((m) => outbox.find(m.id)));
      return rows.every((r) => r?.status === 'failed');
    });
    expect(await outbox.attempts([oldBot.id])).toHaveLength(1);

    expect(await worker.purge(now)).toBe(2);
    expect(await outbox.purge(now)).toBe(1);

    expect(await inbox.findById(oldDone.id)).toBeNull();
    expect(await inbox.findById(oldIgnored.id)).toBeNull();
    expect((await inbox.findById(oldPending.id))?.status).toBe('pending');
    expect((await inbox.findById(recentDone.id))?.status).toBe('done');
    expect(await outbox.find(oldBot.id)).toBeNull();
    expect(await outbox.attempts([oldBot.id])).toEqual([]);
    expect(await outbox.find(recentBot.id)).not.toBeNull();
    expect(await outbox.find(oldStaff.id)).not.toBeNull();

    // The platform redelivers the recent event: still recognised as a duplicate.
    const [again] = await inbox.insertNew([row('recent-done', now, 'pending')]);
    expect(again).toEqual({ id: recentDone.id, duplicate: true, status: 'done' });
  });

  it('should purge login attempts older than the retention and keep recent ones', async () => {
    const repository = t.app.get(ConsoleRepository, { strict: false });
    const now = new Date();
    await repository.addAttempt(['email:old@example.org'], new Date(now.getTime() - 40 * 86_400_000), false);
    await repository.addAttempt(['email:new@example.org'], new Date(now.getTime() - 60_000), false);
    expect(await t.app.get(ConsoleAuthService).purgeAttempts(now)).toBe(1);
    expect(await repository.recentFailures('email:old@example.org', new Date(0))).toEqual([]);
    expect(await repository.recentFailures('email:new@example.org', new Date(0))).toHaveLength(1);
  });

  it('should refuse a retention shorter than the redelivery window', async () => {
    await expect(startTestApp({ database, env: { QUEUE_RETENTION_DAYS: '1' } })).rejects.toThrow(
      'QUEUE_RETENTION_DAYS must be a whole number of days between 2 and 3650',
    );
    delete process.env.QUEUE_RETENTION_DAYS;
  });
});
