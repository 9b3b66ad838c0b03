import type { ConversationView, TurnInput } from '../messaging/intent';
import type { Understanding } from '../messaging/understanding';
import { parsePayload, route } from './turn-router';

const KNOWN = new Set([
  'vneid',
  'public_services',
  'health_insurance',
  'complaint',
  'unit_info',
  'emergency',
  'greeting',
  'human',
  'language',
  'fallback',
  'privacy',
  'satisfaction',
]);
const conversation = (over: Partial<ConversationView> = {}): ConversationView => ({
  id: 'c',
  channel: 'web',
  language: 'vi',
  consent: 'unknown',
  flow: null,
  lastIntent: null,
  lastTopic: null,
  missCount: 0,
  minutesSinceLastTurn: null,
  isFirstTurn: false,
  ...over,
});
const understood = (over: Partial<Understanding>): Understanding => ({
  language: 'vi',
  intent: 'fallback',
  confidence: 0.9,
  ranking: [],
  entities: [],
  decision: 'answer',
  emergency: false,
  ...over,
});
const text = (u: Partial<Understanding>): TurnInput => ({
  kind: 'text',
  text: 'x',
  understanding: understood(u),
});

describe('#parsePayload', () => {
  it.each([
    ['GET_STARTED', { intent: 'privacy', topic: 'welcome' }],
    ['menu', { intent: 'greeting', topic: 'menu' }],
    ['CONSENT_NO', { intent: 'privacy', topic: 'consent_no' }],
    ['LANG_EN', { intent: 'language', topic: 'to_en' }],
    ['SAT_UP', { intent: 'satisfaction', topic: 'up' }],
    ['vneid:forgot_password', { intent: 'vneid', topic: 'forgot_password' }],
    ['complaint:status:PA-2026-000001', { intent: 'complaint', topic: 'status', arg: 'PA-2026-000001' }],
  ])('%s → %j', (payload, expected) => {
    expect(parsePayload(payload, KNOWN)).toMatchObject({ ...expected, via: 'payload' });
  });

  it.each(['lottery:numbers', 'hello there', '', 'vneid:'])('should not route %j', (payload) => {
    expect(parsePayload(payload, KNOWN)).toBeNull();
  });
});

describe('#route', () => {
  it('should put the emergency safety net before everything, even an active flow', () => {
    const input = { ...text({ emergency: true, intent: 'emergency' }), payload: 'MENU' };
    const flow = { intent: 'complaint', step: 'what', data: {} };
    expect(route(input, conversation({ flow }), KNOWN)).toMatchObject({ intent: 'emergency', via: 'safety' });
  });

  it('should send a payload before an active flow, and a flow before the classifier', () => {
    const flow = { intent: 'complaint', step: 'where', data: {} };
    expect(route({ kind: 'postback', payload: 'MENU' }, conversation({ flow }), KNOWN).intent).toBe(
      'greeting',
    );
    expect(route(text({ intent: 'vneid', topic: 'otp' }), conversation({ flow }), KNOWN)).toMatchObject({
      intent: 'complaint',
      topic: 'where',
      via: 'flow',
    });
  });

  it('should look up a ticket when the message carries a ticket code', () => {
    const input = text({
      intent: 'fallback',
      entities: [
        { type: 'ticket_code', value: 'pa-2026-000123', normalized: 'PA-2026-000123', start: 0, end: 14 },
      ],
    });
    expect(route(input, conversation(), KNOWN)).toMatchObject({
      intent: 'complaint',
      topic: 'status',
      arg: 'PA-2026-000123',
    });
  });

  it('should follow a confident classifier, clarify a close call and fall back otherwise', () => {
    expect(route(text({ intent: 'vneid', topic: 'otp' }), conversation(), KNOWN)).toMatchObject({
      intent: 'vneid',
      topic: 'otp',
      via: 'classifier',
    });
    expect(route(text({ intent: 'vneid', decision: 'clarify' }), conversation(), KNOWN)).toMatchObject({
      intent: 'fallback',
      topic: 'clarify',
    });
    expect(
      route(
        text({ intent: 'fallback', topic: 'medical_advice', decision: 'fallback' }),
        conversation(),
        KNOWN,
      ),
    ).toMatchObject({
      intent: 'fallback',
      topic: 'medical_advice',
    });
  });

  it('should keep a weak follow-up inside the topic just discussed', () => {
    const input = text({
      intent: 'public_services',
      decision: 'clarify',
      ranking: [
        { intent: 'public_services', topic: 'portal', score: 0.4 },
        { intent: 'health_insurance', topic: 'student', score: 0.35 },
      ],
    });
    const previous = conversation({ lastIntent: 'health_insurance', lastTopic: 'household' });
    expect(route(input, previous, KNOWN)).toMatchObject({
      intent: 'health_insurance',
      topic: 'student',
      via: 'context',
    });
  });

  it('should greet a follow without text and explain attachments', () => {
    expect(route({ kind: 'follow' }, conversation(), KNOWN)).toMatchObject({
      intent: 'privacy',
      topic: 'welcome',
    });
    expect(route({ kind: 'attachment' }, conversation(), KNOWN)).toMatchObject({
      intent: 'fallback',
      topic: 'attachment',
    });
  });
});

describe('news subscription (issue 13)', () => {
  const known = new Set([...KNOWN, 'subscription']);

  it.each([
    ['SUBSCRIBE', { intent: 'subscription', topic: 'subscribe', arg: undefined }],
    ['SUBSCRIBE:vneid', { intent: 'subscription', topic: 'subscribe', arg: 'vneid' }],
    ['subscribe:health_insurance', { intent: 'subscription', topic: 'subscribe', arg: 'health_insurance' }],
    ['UNSUBSCRIBE', { intent: 'subscription', topic: 'unsubscribe' }],
    ['unsubscribe', { intent: 'subscription', topic: 'unsubscribe' }],
  ])('should route the payload %s', (payload, expected) => {
    expect(parsePayload(payload, known)).toEqual({ ...expected, via: 'payload' });
  });

  it.each(['SUBSCRIBE:lottery', 'UNSUBSCRIBE:vneid', 'SUBSCRIBE:vneid:x'])(
    'should not route %s',
    (payload) => {
      expect(parsePayload(payload, known)).toBeNull();
    },
  );

  const typed = (
    message: string,
    u: Partial<Understanding> = { intent: 'fallback', decision: 'fallback' },
  ) => ({
    ...text(u),
    text: message,
  });

  it.each([
    'STOP',
    'dừng',
    'Dừng lại ạ',
    'hủy nhận tin',
    'huy dang ky',
    'unsubscribe',
    'stop sending',
    'ko nhận tin nữa',
  ])('should read a bare %j as the opt-out, whatever the classifier says', (message) => {
    expect(route(typed(message), conversation(), known)).toEqual({
      intent: 'subscription',
      topic: 'unsubscribe',
      via: 'wording',
    });
  });

  it.each([
    'có nên dừng thuốc không',
    'how do I stop the OTP',
    'dừng xe ở đâu',
    'stop calling me at night please',
  ])('should leave %j to the classifier', (message) => {
    expect(route(typed(message), conversation(), known).intent).not.toBe('subscription');
  });

  it('should leave "dừng" to a form in progress, and an emergency before both', () => {
    const flow = { intent: 'complaint', step: 'what', data: {} };
    expect(route(typed('dừng'), conversation({ flow }), known).intent).toBe('complaint');
    expect(route(typed('stop', { intent: 'emergency', emergency: true }), conversation(), known).intent).toBe(
      'emergency',
    );
  });
});
