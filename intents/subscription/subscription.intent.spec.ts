import type { ConversationView, Reply, TurnContext, UnitView } from '../../src/messaging';
import { SubscriptionIntent, topicsNamed } from './subscription.intent';

const conversation = (subscription?: ConversationView['subscription']): ConversationView => ({
  id: 'c1',
  channel: 'web',
  language: 'vi',
  consent: 'granted',
  flow: null,
  lastIntent: null,
  lastTopic: null,
  missCount: 0,
  minutesSinceLastTurn: 1,
  isFirstTurn: false,
  subscription,
});

function ctx(
  topic: string,
  input: TurnContext['input'],
  subscription: ConversationView['subscription'] = null,
  arg?: string,
): TurnContext {
  return {
    turnId: 't1',
    unit: { id: 'u1', name: 'Unit' } as UnitView,
    conversation: conversation(subscription),
    input,
    topic,
    arg,
    now: new Date('2026-12-05T03:00:00Z'),
  };
}

const keys = (reply: Reply) => reply.messages.flatMap((m) => m.text.map((t) => t.key));
const payloads = (reply: Reply) => reply.messages.flatMap((m) => m.quickReplies ?? []).map((q) => q.payload);

describe(SubscriptionIntent.name, () => {
  const intent = new SubscriptionIntent();

  describe('#topicsNamed', () => {
    it.each([
      ['đăng ký nhận tin', []],
      ['đăng ký nhận tin về bảo hiểm y tế', ['health_insurance']],
      ['dk nhan tin bhyt voi vneid', ['vneid', 'health_insurance']],
      ['subscribe to VNeID news', ['vneid']],
      ['send me updates on online public services', ['public_services']],
      ['cho tôi nhận tin tức của bệnh viện', ['unit_news']],
    ])('%s → %j', (message, topics) => {
      expect(topicsNamed(message)).toEqual(topics);
    });
  });

  it('should subscribe to every topic when none is named, by message, and say how to stop', () => {
    const reply = intent.handle(ctx('subscribe', { kind: 'text', text: 'đăng ký nhận tin' }));
    expect(reply.effects).toEqual([{ type: 'subscribe', topics: [], source: 'message' }]);
    expect(keys(reply)).toEqual(['subscription:subscribed_all', 'subscription:how_to_stop']);
    expect(payloads(reply)).toEqual(['UNSUBSCRIBE', 'MENU']);
    expect(reply.served).toBe(false);
  });

  it('should list the topics named and offer the others', () => {
    const reply = intent.handle(ctx('subscribe', { kind: 'text', text: 'nhận tin về VNeID' }));
    expect(reply.effects).toEqual([{ type: 'subscribe', topics: ['vneid'], source: 'message' }]);
    expect(keys(reply)).toEqual([
      'subscription:subscribed_topics',
      'subscription:topic_lines.vneid',
      'subscription:how_to_stop',
    ]);
    expect(payloads(reply)).toEqual([
      'UNSUBSCRIBE',
      'SUBSCRIBE:public_services',
      'SUBSCRIBE:health_insurance',
      'SUBSCRIBE:unit_news',
      'MENU',
    ]);
  });

  it('should take the topic of a SUBSCRIBE:<topic> payload as a quick reply and merge it', () => {
    const reply = intent.handle(
      ctx(
        'subscribe',
        { kind: 'quick_reply', payload: 'SUBSCRIBE:health_insurance', text: '+ Tin BHYT' },
        { status: 'subscribed', topics: ['vneid'] },
        'health_insurance',
      ),
    );
    expect(reply.effects).toEqual([
      { type: 'subscribe', topics: ['health_insurance'], source: 'quick_reply' },
    ]);
    expect(keys(reply)).toContain('subscription:topic_lines.vneid');
    expect(keys(reply)).toContain('subscription:topic_lines.health_insurance');
  });

  it('should start afresh with the topics asked after an opt-out', () => {
    const reply = intent.handle(
      ctx(
        'subscribe',
        { kind: 'text', text: 'nhận tin bhyt' },
        { status: 'unsubscribed', topics: ['vneid'] },
      ),
    );
    expect(keys(reply)).not.toContain('subscription:topic_lines.vneid');
    expect(keys(reply)).toContain('subscription:topic_lines.health_insurance');
  });

  it('should unsubscribe a subscriber and offer to subscribe again', () => {
    const reply = intent.handle(
      ctx('unsubscribe', { kind: 'postback', payload: 'UNSUBSCRIBE' }, { status: 'subscribed', topics: [] }),
    );
    expect(reply.effects).toEqual([{ type: 'unsubscribe' }]);
    expect(keys(reply)).toEqual(['subscription:unsubscribed']);
    expect(payloads(reply)[0]).toBe('SUBSCRIBE');
  });

  it('should tell someone not subscribed so, and change nothing', () => {
    for (const subscription of [null, { status: 'unsubscribed' as const, topics: [] }]) {
      const reply = intent.handle(ctx('unsubscribe', { kind: 'text', text: 'stop' }, subscription));
      expect(reply.effects).toBeUndefined();
      expect(reply.topic).toBe('not_subscribed');
      expect(keys(reply)).toEqual(['subscription:not_subscribed']);
    }
  });

  it('should give the engine only the offer chip for its one-time offer', () => {
    const reply = intent.handle(ctx('offer', { kind: 'text', text: 'quên mật khẩu' }));
    expect(reply.messages).toHaveLength(1);
    expect(reply.messages[0].text).toEqual([]);
    expect(payloads(reply)).toEqual(['SUBSCRIBE']);
  });
});
