import { Logger } from '@nestjs/common';
import { currentCorrelationId, withCorrelationId } from '../src/common/correlation';
import { ConsoleAuthService } from '../src/console/console-auth.service';
import { ConsoleRepository } from '../src/console/console.repository';
import { LeaseLostError } from '../src/common/errors';
import { InboxRepository } from '../src/inbox/inbox.repository';
import { InboxWorker } from '../src/inbox/inbox.worker';
import { OutboxRepository } from '../src/outbox/outbox.repository';
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
