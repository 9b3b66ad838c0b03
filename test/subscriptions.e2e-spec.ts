import { parseMessengerPayload } from '../src/channels/messenger/messenger-event.parser';
import { parseZaloPayload } from '../src/channels/zalo/zalo-event.parser';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { route } from '../src/conversation/turn-router';
import type { ConversationView } from '../src/messaging/intent';
import type { InboundEvent } from '../src/messaging/inbound-event';
import { UNSUBSCRIBE_PAYLOAD } from '../src/messaging/subscription-payloads';
import { SubscriptionEntity } from '../src/subscriptions/subscription.entity';
import { SubscriptionsService } from '../src/subscriptions/subscriptions.service';
import { fixture } from './support/channel-helpers';
import { startTestApp, testDatabases, type TestApp } from './support/test-app';

interface ChatResponse {
  replies: { text: string; quickReplies?: { title: string; payload: string }[] }[];
  intent: string;
  topic?: string;
  language: 'vi' | 'en';
}

const chips = (res: ChatResponse) => res.replies.flatMap((r) => r.quickReplies ?? []).map((q) => q.payload);

describe.each(testDatabases())('news subscription (%s)', (database) => {
  let t: TestApp;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp({ database });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A fresh citizen who accepted the privacy notice; returns a sender bound to the session. */
  const citizen = async (consent: 'CONSENT_YES' | null = 'CONSENT_YES') => {
    const sessionId = `subs-${database}-${++n}-${Date.now().toString(36)}`;
    const send = async (body: { text?: string; payload?: string }) =>
      (
        await t
          .http()
          .post('/api/chat')
          .send({ sessionId, ...body })
          .expect(200)
      ).body as ChatResponse;
    if (consent) await send({ payload: consent });
    const conversation = async () => t.db.manager.findOneByOrFail(ConversationEntity, { userId: sessionId });
    const row = async () =>
      t.db.manager.findOneBy(SubscriptionEntity, { conversationId: (await conversation()).id });
    return { sessionId, send, conversation, row };
  };

  it('should store an opt-in in words with every topic, its time, the exact confirmation and its source', async () => {
    const c = await citizen();
    const before = Date.now();
    const res = await c.send({ text: 'đăng ký nhận tin' });
    expect(res.intent).toBe('subscription');
    expect(chips(res)).toContain(UNSUBSCRIBE_PAYLOAD);
    const conversation = await c.conversation();
    const row = (await c.row())!;
    expect(row).toMatchObject({
      unitId: conversation.unitId,
      channel: 'web',
      userId: c.sessionId,
      userKey: conversation.userKey,
      language: 'vi',
      status: 'subscribed',
      topics: '',
      consentSource: 'message',
      unsubscribedAt: null,
    });
    expect(row.consentAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row.consentAt.getTime()).toBeLessThanOrEqual(Date.now());
    // The wording is what the citizen was shown, word for word, and says how consent was given.
    expect(row.consentWording.startsWith(res.replies[0].text)).toBe(true);
    expect(row.consentWording).toContain('tất cả các chủ đề');
    expect(row.consentWording).toContain('typed message');
  });

  it('should store the topics named, add one chosen with a quick reply, and record the new consent', async () => {
    const c = await citizen();
    const first = await c.send({ text: 'subscribe to VNeID news please' });
    expect(first.language).toBe('en');
    expect((await c.row())!).toMatchObject({ topics: ',vneid,', language: 'en', consentSource: 'message' });
    expect(chips(first)).toContain('SUBSCRIBE:health_insurance');
    const second = await c.send({ payload: 'SUBSCRIBE:health_insurance' });
    const row = (await c.row())!;
    expect(row).toMatchObject({ topics: ',health_insurance,vneid,', consentSource: 'quick_reply' });
    expect(row.consentWording.startsWith(second.replies[0].text)).toBe(true);
    expect(row.consentWording).toContain('Health insurance');
    expect(row.consentWording).toContain('quick reply');
    expect(await t.db.manager.countBy(SubscriptionEntity, { conversationId: row.conversationId })).toBe(1);
  });

  it('should opt out in words, then answer "stop" politely, and subscribe again afresh', async () => {
    const c = await citizen();
    await c.send({ text: 'cho em nhận bản tin về bảo hiểm y tế nha' });
    const out = await c.send({ text: 'hủy nhận tin' });
    expect(out).toMatchObject({ intent: 'subscription', topic: 'unsubscribe' });
    const row = (await c.row())!;
    expect(row.status).toBe('unsubscribed');
    expect(row.unsubscribedAt).not.toBeNull();
    const again = await c.send({ text: 'STOP' });
    expect(again).toMatchObject({ intent: 'subscription', topic: 'not_subscribed' });
    expect(again.replies[0].text).toContain('không đăng ký nhận bản tin');
    await c.send({ text: 'đăng ký nhận tin vneid' });
    expect((await c.row())!).toMatchObject({ status: 'subscribed', topics: ',vneid,' });
  });

  it('should opt out with the UNSUBSCRIBE payload of a campaign message', async () => {
    const c = await citizen();
    await c.send({ payload: 'SUBSCRIBE' });
    expect((await c.row())!).toMatchObject({ status: 'subscribed', consentSource: 'quick_reply' });
    const out = await c.send({ payload: UNSUBSCRIBE_PAYLOAD });
    expect(out).toMatchObject({ intent: 'subscription', topic: 'unsubscribe' });
    expect((await c.row())!.status).toBe('unsubscribed');
  });

  it('should offer the news once, after a served answer, never beside the satisfaction question', async () => {
    const c = await citizen();
    const first = await c.send({ text: 'quên mật khẩu vneid' });
    expect(chips(first)).toContain('SAT_UP');
    expect(chips(first)).not.toContain('SUBSCRIBE');
    const second = await c.send({ text: 'không nhận được otp vneid' });
    expect(second.intent).toBe('vneid');
    // First among the quick replies, so that Zalo (five buttons) shows it too.
    expect(chips(second)[0]).toBe('SUBSCRIBE');
    expect((await c.conversation()).subscriptionOfferedAt).not.toBeNull();
    const third = await c.send({ text: 'đổi số điện thoại vneid thế nào' });
    expect(third.intent).toBe('vneid');
    expect(chips(third)).not.toContain('SUBSCRIBE');
    // The offer taken: subscribed by quick reply.
    await c.send({ payload: 'SUBSCRIBE' });
    expect((await c.row())!.consentSource).toBe('quick_reply');
  });

  it('should not offer in an emergency nor in a complaint', async () => {
    const c = await citizen();
    await c.send({ text: 'quên mật khẩu vneid' }); // the satisfaction question is asked here
    const emergency = await c.send({ text: 'con tôi bị co giật tím tái không thở được' });
    expect(emergency.intent).toBe('emergency');
    expect(chips(emergency)).not.toContain('SUBSCRIBE');
    const ambulanceCame = await c.send({ text: 'xe cấp cứu tới rồi, cảm ơn' });
    expect(chips(ambulanceCame)).not.toContain('SUBSCRIBE');
    const complaint = await c.send({ text: 'tôi muốn phản ánh thái độ nhân viên phòng khám' });
    expect(complaint.intent).toBe('complaint');
    expect(chips(complaint)).not.toContain('SUBSCRIBE');
    await c.send({ payload: 'complaint:file:cancel' });
    expect((await c.conversation()).subscriptionOfferedAt).toBeNull();
    // Nothing offered so far: the next served content answer gets it.
    const served = await c.send({ text: 'không nhận được otp vneid' });
    expect(served.intent).toBe('vneid');
    expect(chips(served)).toContain('SUBSCRIBE');
  });

  it('should never offer to a subscriber or to someone who opted out, nor without consent', async () => {
    for (const before of ['đăng ký nhận tin', 'hủy nhận tin']) {
      const c = await citizen();
      await c.send({ text: before });
      await c.send({ text: 'quên mật khẩu vneid' });
      const served = await c.send({ text: 'không nhận được otp vneid' });
      expect(served.intent).toBe('vneid');
      expect(chips(served)).not.toContain('SUBSCRIBE');
    }
    const declined = await citizen('CONSENT_YES');
    await declined.send({ payload: 'CONSENT_NO' });
    await declined.send({ text: 'quên mật khẩu vneid' });
    const served = await declined.send({ text: 'không nhận được otp vneid' });
    expect(chips(served)).not.toContain('SUBSCRIBE');
  });

  it('should opt out with the payload while staff have the conversation, typed "stop" going to staff', async () => {
    const c = await citizen();
    await c.send({ text: 'đăng ký nhận tin' });
    await c.send({ payload: 'human:handoff' });
    expect((await c.conversation()).handoffUntil).not.toBeNull();
    const typed = await c.send({ text: 'dừng' });
    expect(typed.replies).toEqual([]);
    expect((await c.row())!.status).toBe('subscribed');
    const out = await c.send({ payload: UNSUBSCRIBE_PAYLOAD });
    expect(out).toMatchObject({ intent: 'subscription', topic: 'unsubscribe' });
    expect((await c.row())!.status).toBe('unsubscribed');
  });

  it('should remove the subscription when the citizen asks to delete their data', async () => {
    const c = await citizen();
    await c.send({ text: 'đăng ký nhận tin' });
    expect(await c.row()).not.toBeNull();
    const res = await c.send({ text: 'xóa dữ liệu của tôi' });
    expect(res).toMatchObject({ intent: 'human', topic: 'delete_data' });
    expect(await c.row()).toBeNull();
    const stop = await c.send({ text: 'dừng' });
    expect(stop.topic).toBe('not_subscribed');
  });

  it('should count opt-ins, opt-outs and active subscribers per unit and channel for a period', async () => {
    const service = t.app.get(SubscriptionsService);
    const a = await citizen();
    const unitId = (await a.conversation()).unitId;
    const from = new Date(Date.now() - 1);
    const activeBefore = (await service.periodCounts([unitId], new Date(0), from)).find(
      (r) => r.channel === 'web',
    )?.active;
    await a.send({ text: 'đăng ký nhận tin' });
    const b = await citizen();
    await b.send({ text: 'đăng ký nhận tin' });
    await b.send({ text: 'hủy nhận tin' });
    const to = new Date(Date.now() + 1);
    const rows = await service.periodCounts([unitId], from, to);
    expect(rows.find((r) => r.channel === 'web')).toEqual({
      unitId,
      channel: 'web',
      optIns: 2,
      optOuts: 1,
      active: (activeBefore ?? 0) + 1,
    });
    expect(await service.periodCounts(['no-such-unit'], from, to)).toEqual([]);
  });
});

describe('UNSUBSCRIBE on every channel', () => {
  const view: ConversationView = {
    id: 'c',
    channel: 'zalo',
    language: 'vi',
    consent: 'granted',
    flow: null,
    lastIntent: null,
    lastTopic: null,
    missCount: 0,
    minutesSinceLastTurn: 1,
    isFirstTurn: false,
  };
  const known = new Set(['subscription', 'greeting', 'fallback', 'emergency']);
  const routed = (event: InboundEvent) =>
    route({ kind: event.kind, text: event.text, payload: event.payload }, view, known);

  it('should route a Zalo hidden-query tap ("#UNSUBSCRIBE", sent back as text) to the opt-out', () => {
    const parsed = parseZaloPayload(
      {
        ...fixture<Record<string, unknown>>('zalo/zalo-user-send-text.json'),
        message: { text: `#${UNSUBSCRIBE_PAYLOAD}`, msg_id: 'u1' },
      },
      () => 'unit-a',
    );
    if (parsed.type !== 'event') throw new Error(parsed.type);
    expect(routed(parsed.event)).toMatchObject({
      intent: 'subscription',
      topic: 'unsubscribe',
      via: 'payload',
    });
  });

  it('should route a Messenger postback and quick reply with UNSUBSCRIBE to the opt-out', () => {
    const postback = fixture<{ entry: { messaging: { postback: { payload: string } }[] }[] }>(
      'messenger/postback-get-started.json',
    );
    postback.entry[0].messaging[0].postback.payload = UNSUBSCRIBE_PAYLOAD;
    const quick = fixture<{ entry: { messaging: { message: { quick_reply: { payload: string } } }[] }[] }>(
      'messenger/quick-reply.json',
    );
    quick.entry[0].messaging[0].message.quick_reply.payload = UNSUBSCRIBE_PAYLOAD;
    for (const body of [postback, quick]) {
      const [parsed] = parseMessengerPayload(body, () => 'unit-a');
      if (parsed.type !== 'event') throw new Error(parsed.type);
      expect(routed(parsed.event)).toMatchObject({
        intent: 'subscription',
        topic: 'unsubscribe',
        via: 'payload',
      });
    }
  });
});
