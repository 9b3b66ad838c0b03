import { calibrate, IntentClassifier } from './intent-classifier';
import { Normalizer } from './normalizer';
import type { Normalized } from './normalizer';

/** A classifier whose ranking is given per message (the message's text is its key). */
function fixed(scores: Record<string, { intent: string; score: number }>): IntentClassifier {
  return { rank: (n: Normalized) => [scores[n.tokens[0]]] } as unknown as IntentClassifier;
}
const msg = (key: string): Normalized => ({ tokens: [key], stripped: [key], hasMarks: false });

describe('#calibrate', () => {
  it('should keep the lowest threshold when a higher one gains a single message', () => {
    const scores = {
      a: { intent: 'vneid', score: 0.9 },
      b: { intent: 'vneid', score: 0.5 },
      c: { intent: 'vneid', score: 0.595 }, // out of scope, scored high: only a 0.6 threshold refuses it
    };
    const heldout = [
      { normalized: msg('a'), intent: 'vneid' },
      { normalized: msg('b'), intent: 'vneid' },
      { normalized: msg('c'), intent: 'fallback' },
    ];
    expect(calibrate(fixed(scores), heldout).answer).toBe(0.15);
  });

  it('should raise the threshold when that wins more than one message', () => {
    const scores = {
      a: { intent: 'vneid', score: 0.9 },
      c: { intent: 'vneid', score: 0.595 },
      d: { intent: 'human', score: 0.55 },
    };
    const heldout = [
      { normalized: msg('a'), intent: 'vneid' },
      { normalized: msg('c'), intent: 'fallback' },
      { normalized: msg('d'), intent: 'fallback' },
    ];
    expect(calibrate(fixed(scores), heldout).answer).toBe(0.6);
  });
});

describe('IntentClassifier#rank', () => {
  const normalizer = new Normalizer();
  const sample = (text: string, intent: string, topic: string) => ({
    normalized: normalizer.normalize(text),
    intent,
    topic,
  });
  const classifier = IntentClassifier.train([
    sample('đăng ký tài khoản vneid', 'vneid', 'register'),
    sample('tạo tài khoản định danh', 'vneid', 'register'),
    sample('quên mật khẩu vneid', 'vneid', 'password'),
    sample('lấy lại mật khẩu định danh', 'vneid', 'password'),
    sample('thẻ bảo hiểm y tế hết hạn', 'health_insurance', 'card'),
    sample('gia hạn thẻ bhyt', 'health_insurance', 'card'),
    sample('mức hưởng bảo hiểm y tế', 'health_insurance', 'benefit'),
    sample('bhyt chi trả bao nhiêu phần trăm', 'health_insurance', 'benefit'),
    sample('xin chào', 'greeting', 'hello'),
  ]);
  const message = normalizer.normalize('quên mật khẩu tài khoản định danh');

  it('should give each intent the best of its own topics, as one plain property of the entry', () => {
    const ranking = classifier.rank(message);
    expect(ranking.map((r) => r.intent)).toEqual(
      expect.arrayContaining(['vneid', 'health_insurance', 'greeting']),
    );
    for (const r of ranking) expect(r.topic).toBe(classifier.rankTopics(message, r.intent)[0]?.topic);
    expect(ranking[0]).toEqual({ intent: 'vneid', topic: 'password', score: ranking[0].score });
  });

  it('should carry the topic into copies and JSON before it was read, and let it be replaced', () => {
    const [top, second] = classifier.rank(message);
    expect({ ...top }.topic).toBe('password');
    expect(Object.keys(second)).toEqual(['intent', 'topic', 'score']);
    expect(JSON.parse(JSON.stringify(second)).topic).toBe(
      classifier.rankTopics(message, second.intent)[0].topic,
    );
    top.topic = 'register';
    expect(top.topic).toBe('register');
    expect({ ...top }).toEqual({ intent: 'vneid', topic: 'register', score: top.score });
  });
});
