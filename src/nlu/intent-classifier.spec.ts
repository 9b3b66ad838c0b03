import { calibrate, type IntentClassifier } from './intent-classifier';
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
