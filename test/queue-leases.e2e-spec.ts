import { Logger } from '@nestjs/common';
import { currentCorrelationId, withCorrelationId } from '../src/common/correlation';
import { InboxRepository, LeaseLostError } from '../src/inbox/inbox.repository';
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
