import { Clock, FixedClock } from '../src/common/clock';
import { ComplaintTicketEntity } from '../src/complaints/complaint-ticket.entity';
import { ComplaintsService } from '../src/complaints/complaints.service';
import { TicketEventEntity } from '../src/complaints/ticket-event.entity';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { InboxEventEntity } from '../src/inbox/inbox-event.entity';
import { InteractionRecordEntity } from '../src/interactions/interaction-record.entity';
import { InteractionsService } from '../src/interactions/interactions.service';
import type { Intent, Reply, TurnContext } from '../src/messaging';
import { PrivacyIntent } from '../intents/privacy/privacy.intent';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';

interface ChatResponse {
  replies: { text: string; quickReplies?: { payload: string }[] }[];
  intent: string;
}

const chatWith =
  (t: TestApp) =>
  async (body: Record<string, unknown>, status = 200) => {
    const res = await t.http().post('/api/chat').send(body).expect(status);
    return res.body as ChatResponse;
  };

describe.each(testDatabases())('a complaint ticket filed in a turn (%s)', (database) => {
  let t: TestApp;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    t = await startTestApp({ database, overrides: [[Clock, clock]] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  it('should file one ticket when the turn fails after filing it and the worker retries it, showing the same code', async () => {
    const chat = chatWith(t);
    const sessionId = `ticket-retry-${database}`;
    await chat({ sessionId, payload: 'complaint:file' });
    await chat({ sessionId, text: 'Nhân viên quầy thu ngân nói năng rất khó nghe với mẹ tôi' });
    await chat({ sessionId, payload: 'complaint:file:skip' });
    await chat({ sessionId, payload: 'complaint:file:skip' });

    // The record is written in the turn's transaction, after the intent filed the ticket: fail it once.
    const append = jest
      .spyOn(t.app.get(InteractionsService), 'appendMany')
      .mockRejectedValueOnce(new Error('disk full (test)'));
    const last = { sessionId, payload: 'complaint:file:contact_no', messageId: 'contact-no' };
    // The web chat says the turn failed (500: an error, not a time-out); the event stays for the worker.
    await chat(last, 500);
    expect(append).toHaveBeenCalledTimes(1);
    const conversation = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: sessionId });
    const tickets = () => t.db.manager.findBy(ComplaintTicketEntity, { conversationId: conversation.id });
    expect(await tickets()).toHaveLength(1);

    // The worker retries after its backoff (on the injected clock).
    const event = await t.db.manager.findOneOrFail(InboxEventEntity, {
      where: { userId: sessionId },
      order: { id: 'DESC' },
    });
    clock.advance(60_000);
    await eventually(
      async () => (await t.db.manager.findOneByOrFail(InboxEventEntity, { id: event.id })).status === 'done',
    );

    const [ticket] = await tickets();
    expect(await tickets()).toHaveLength(1);
    // The same message again gets the retried turn's reply: the code of the one ticket.
    const retried = await chat(last);
    expect(retried.replies.map((r) => r.text).join('\n')).toContain(ticket.code);
    expect(await t.db.manager.countBy(TicketEventEntity, { ticketId: ticket.id, kind: 'created' })).toBe(1);
    expect(
      await t.db.manager.countBy(InteractionRecordEntity, {
        conversationId: conversation.id,
        outcome: 'ticket',
      }),
    ).toBe(1);
  });

  it('should give back the ticket already filed under the same key, also for two calls at once', async () => {
    const complaints = t.app.get(ComplaintsService);
    const complaint = {
      unitId: 'so-y-te-khanh-hoa',
      conversationId: `race-${database}`,
      channel: 'web',
      language: 'vi' as const,
      description: 'xếp hàng quá lâu',
      location: null,
      occurredWhen: null,
      contact: null,
      consented: false,
      sourceKey: `test:race-${database}`,
    };
    const [a, b] = await Promise.all([complaints.create(complaint), complaints.create(complaint)]);
    const again = await complaints.create(complaint);
    expect(b.id).toBe(a.id);
    expect(again.code).toBe(a.code);
    expect(await t.db.manager.countBy(ComplaintTicketEntity, { conversationId: `race-${database}` })).toBe(1);
    expect(await t.db.manager.countBy(TicketEventEntity, { ticketId: a.id })).toBe(1);
    // Without a key (nothing to recognise a repeat by) every call files a ticket.
    const other = await complaints.create({ ...complaint, sourceKey: null });
    expect(other.id).not.toBe(a.id);
  });
});

/** The privacy intent as a follow-up that answers later, or fails. */
class FlakyPrivacyIntent implements Intent {
  readonly name = 'privacy';
  mode: 'async' | 'reject' = 'async';
  private readonly real = new PrivacyIntent();

  async handle(ctx: TurnContext): Promise<Reply> {
    await Promise.resolve();
    if (this.mode === 'reject') throw new Error('privacy notice unavailable (test)');
    return this.real.handle(ctx);
  }
}

describe.each(testDatabases())('follow-ups of a turn (%s)', (database) => {
  let t: TestApp;
  const privacy = new FlakyPrivacyIntent();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    t = await startTestApp({ database, overrides: [[PrivacyIntent, privacy]] });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await t?.close();
  });

  const payloads = (res: ChatResponse) =>
    res.replies.flatMap((r) => r.quickReplies ?? []).map((q) => q.payload);

  it('should add a follow-up that answers asynchronously (the privacy notice on first contact)', async () => {
    privacy.mode = 'async';
    const res = await chatWith(t)({ sessionId: `follow-async-${database}`, text: 'quên mật khẩu vneid' });
    expect(res.intent).toBe('vneid');
    expect(payloads(res)).toContain('CONSENT_YES');
  });

  it('should still answer, without the follow-up, when it rejects, and keep serving', async () => {
    privacy.mode = 'reject';
    const chat = chatWith(t);
    const sessionId = `follow-reject-${database}`;
    const res = await chat({ sessionId, text: 'quên mật khẩu vneid' });
    expect(res.intent).toBe('vneid');
    expect(res.replies[0].text).toContain('Quên mật khẩu');
    expect(payloads(res)).not.toContain('CONSENT_YES');
    // The notice was not shown, so it is still due: the next turn offers it once it works again.
    privacy.mode = 'async';
    const next = await chat({ sessionId, text: 'quên mật khẩu vneid' });
    expect(payloads(next)).toContain('CONSENT_YES');
    expect(unhandled).toEqual([]);
  });
});
