import type { ConversationView, TurnInput } from '../messaging/intent';
import type { Entity, Understanding } from '../messaging/understanding';
import { looksLikeQuestion } from '../common/question';
import { asksForSomeone, emergencyFollowUpWording } from './flow-signals';
import { CONTEXT_MINUTES, route } from './turn-router';

/** The router's rules around flows and emergencies (the rest is in turn-router.spec.ts). */
const KNOWN = new Set([
  'vneid',
  'public_services',
  'health_insurance',
  'complaint',
  'unit_info',
  'emergency',
  'greeting',
  'human',
  'fallback',
  'privacy',
]);
const conversation = (over: Partial<ConversationView> = {}): ConversationView => ({
  id: 'c',
  channel: 'web',
  language: 'vi',
  consent: 'granted',
  flow: null,
  lastIntent: null,
  lastTopic: null,
  missCount: 0,
  minutesSinceLastTurn: 1,
  isFirstTurn: false,
  ...over,
});
const said = (text: string, over: Partial<Understanding> = {}): TurnInput => ({
  kind: 'text',
  text,
  understanding: {
    language: 'vi',
    intent: 'fallback',
    confidence: 0.9,
    ranking: [],
    entities: [],
    decision: 'answer',
    emergency: false,
    ...over,
  },
});
const inForm = (step = 'where') => conversation({ flow: { intent: 'complaint', step, data: {} } });
const afterEmergency = (minutes = 2) =>
  conversation({ lastIntent: 'emergency', lastTopic: 'urgent', minutesSinceLastTurn: minutes });

describe('#route in a flow', () => {
  it('should answer a confident question on another subject beside the form', () => {
    const input = said('bệnh viện mở cửa mấy giờ?', { intent: 'unit_info', topic: 'hours' });
    expect(route(input, inForm(), KNOWN)).toEqual({ intent: 'unit_info', topic: 'hours', via: 'aside' });
    const unaccented = said('quen mat khau vneid lam sao', { intent: 'vneid', topic: 'forgot_password' });
    expect(route(unaccented, inForm('what'), KNOWN)).toMatchObject({ intent: 'vneid', via: 'aside' });
  });

  it.each([
    ['a weak guess', said('mở cửa mấy giờ?', { intent: 'unit_info', decision: 'clarify' })],
    ['no question wording', said('quầy BHYT tầng 1', { intent: 'health_insurance', topic: 'household' })],
    [
      'a long account of what happened',
      said(
        'Sáng nay tôi mang thẻ BHYT đến quầy nhưng nhân viên nói thẻ không dùng được, bắt tôi đóng tiền mà không giải thích sao cả',
        { intent: 'health_insurance', topic: 'chip_id' },
      ),
    ],
    ['the flow’s own intent', said('gửi phản ánh ở đâu?', { intent: 'complaint', topic: 'channels' })],
    [
      'a contact given',
      said('số tôi 0905111222 được không', {
        intent: 'unit_info',
        entities: [{ type: 'phone', normalized: '0905111222' } as Entity],
      }),
    ],
    ['not a content intent', said('cảm ơn nhé, vậy thôi à?', { intent: 'greeting', topic: 'thanks' })],
  ])('should keep %s in the form', (_what, input) => {
    expect(route(input, inForm(), KNOWN)).toMatchObject({ intent: 'complaint', topic: 'where', via: 'flow' });
  });

  it('should still put an emergency before the form', () => {
    const input = said('cứu với con tôi co giật', { intent: 'emergency', emergency: true });
    expect(route(input, inForm('contact_ask'), KNOWN)).toMatchObject({ intent: 'emergency', via: 'safety' });
  });
});

describe('#route after a flow ended', () => {
  it.each([
    ['đồng ý', 'complaint', 'ack'],
    ['dạ được', 'greeting', 'ack'],
    ['ok ạ', 'complaint', 'ack'],
    ['cảm ơn nhiều', 'complaint', 'thanks'],
    ['thank you', 'fallback', 'thanks'],
  ])('should take %j (classified %s) as an acknowledgement, not a new request', (text, intent, topic) => {
    const previous = conversation({ lastIntent: 'complaint', lastTopic: 'file' });
    expect(route(said(text, { intent, topic: 'file' }), previous, KNOWN)).toMatchObject({
      intent: 'greeting',
      via: 'ack',
      topic: intent === 'greeting' ? 'file' : topic,
    });
  });

  it('should leave a real request alone', () => {
    const input = said('đồng ý thì nộp hồ sơ ở đâu', { intent: 'public_services', topic: 'submit' });
    expect(route(input, conversation(), KNOWN)).toMatchObject({ intent: 'public_services' });
  });
});

describe('#route right after an emergency', () => {
  it.each([
    ['gọi 115 mà chưa thấy xe tới', { intent: 'complaint', topic: 'file' }],
    ['xe chưa tới', { intent: 'fallback', decision: 'fallback' as const }],
    ['ambulance not here yet', { intent: 'fallback', decision: 'fallback' as const }],
    ['giờ làm sao', { intent: 'fallback', topic: 'other_agencies', decision: 'fallback' as const }],
    ['phải làm gì', { intent: 'fallback', decision: 'fallback' as const }],
    ['em đang móc họng cho bé mà chưa được', { intent: 'public_services', confidence: 0.6 }],
    [
      'hmm',
      {
        intent: 'fallback',
        decision: 'clarify' as const,
        ranking: [
          { intent: 'fallback', score: 0.4 },
          { intent: 'emergency', score: 0.3 },
        ],
      },
    ],
  ])('should take %j as about the emergency', (text, over) => {
    expect(route(said(text, over), afterEmergency(), KNOWN)).toEqual({
      intent: 'emergency',
      topic: 'follow_up',
      via: 'emergency_context',
    });
  });

  it('should let a sure question on another subject leave it', () => {
    const sure = said('bệnh viện mấy giờ mở cửa', { intent: 'unit_info', topic: 'hours', confidence: 0.95 });
    expect(route(sure, afterEmergency(), KNOWN)).toMatchObject({ intent: 'unit_info' });
  });

  it('should hold even over a form started meanwhile', () => {
    const both = { ...afterEmergency(), flow: { intent: 'complaint', step: 'what', data: {} } };
    expect(route(said('xe chưa tới'), both, KNOWN)).toMatchObject({ intent: 'emergency' });
  });

  it.each([
    ['cảm ơn', { intent: 'greeting', topic: 'thanks' }, 'greeting'],
    ['quên mật khẩu vneid làm sao', { intent: 'vneid', topic: 'forgot_password' }, 'vneid'],
  ])('should answer %j as usual', (text, over, intent) => {
    expect(route(said(text, over), afterEmergency(), KNOWN).intent).toBe(intent);
  });

  it('should let go once the conversation has been quiet for a while, or moved on', () => {
    const input = said('gọi 115 mà chưa thấy xe tới', { intent: 'complaint', topic: 'file' });
    expect(route(input, afterEmergency(CONTEXT_MINUTES + 1), KNOWN).intent).toBe('complaint');
    expect(route(input, conversation({ lastIntent: 'vneid' }), KNOWN).intent).toBe('complaint');
    expect(route(input, { ...afterEmergency(), minutesSinceLastTurn: null }, KNOWN).intent).toBe('complaint');
  });

  it('should let a tapped button go where it points', () => {
    expect(route({ kind: 'postback', payload: 'MENU' }, afterEmergency(), KNOWN).intent).toBe('greeting');
  });
});

describe('#looksLikeQuestion', () => {
  it.each([
    'mở cửa mấy giờ',
    'khám BHYT có được không',
    'thẻ hết hạn chưa',
    'bao nhiêu tiền vậy',
    'where is the pharmacy',
    'ok?',
    'làm lại thẻ ở đâu ạ',
    'khám được hông',
  ])('%j is a question', (text) => {
    expect(looksLikeQuestion(text)).toBe(true);
  });

  it.each([
    'quầy BHYT tầng 1',
    'nhân viên không giải thích',
    'khoa xét nghiệm',
    'ward 5',
    'hôm qua',
    'khong nho khoa nao',
    'em không nhớ là phòng nào',
    "I don't remember which ward",
    'phòng khám tai mũi họng',
  ])('%j is not', (text) => {
    expect(looksLikeQuestion(text)).toBe(false);
  });
});

describe('#emergencyFollowUpWording and #asksForSomeone', () => {
  it.each([
    ['xe chưa tới', 'strong'],
    ['the ambulance has not arrived', 'strong'],
    ['xe tới rồi, cảm ơn', 'all_clear'],
    ['the ambulance arrived, thank you', 'all_clear'],
    ['giờ làm sao', 'weak'],
    ['bệnh viện mấy giờ mở cửa', null],
  ] as const)('%j reads %j', (text, reading) => {
    expect(emergencyFollowUpWording(text)).toBe(reading);
  });

  it.each([
    ['cho tôi gặp nhân viên', true],
    ['can I talk to a staff member about this', true],
    ['Nhân viên tiếp đón nói chuyện cộc lốc', false],
    ['the nurse was rude', false],
  ] as const)('%j asks for someone: %j', (text, asks) => {
    expect(asksForSomeone(text)).toBe(asks);
  });
});
