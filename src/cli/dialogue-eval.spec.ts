import { parseDialogues, scoreDialogues, type TurnOutcome } from './dialogue-eval';

const turn = (
  dialogue: string,
  category: string,
  index: number,
  expected: string,
  got: string,
  language: 'vi' | 'en' = 'vi',
  gotLanguage: string = language,
): TurnOutcome => ({
  dialogue,
  category,
  index,
  text: `t${index}`,
  expected: { intent: expected, language },
  got: { intent: got, language: gotLanguage },
});

describe('dialogue:eval', () => {
  it('should parse one conversation per line and name a bad line', () => {
    const ok = '{"id":"a","category":"flow","turns":[{"text":"hi","intent":"greeting","language":"en"}]}\n\n';
    expect(parseDialogues(ok)).toHaveLength(1);
    expect(() => parseDialogues(ok + '{"id":"b"')).toThrow(/line 3: not JSON/);
    expect(() => parseDialogues('{"id":"b","category":"x","turns":[]}')).toThrow(/line 1: needs/);
    expect(() =>
      parseDialogues('{"id":"b","category":"x","turns":[{"text":"a","intent":"x","language":"fr"}]}'),
    ).toThrow(/language vi\|en/);
  });

  it('should count a turn right only when both the intent and the reply language are', () => {
    const score = scoreDialogues([
      turn('a', 'flow', 0, 'complaint', 'complaint'),
      turn('a', 'flow', 1, 'complaint', 'complaint', 'vi', 'en'),
      turn('b', 'emergency_in_flow', 0, 'emergency', 'emergency'),
      turn('b', 'emergency_in_flow', 1, 'emergency', 'complaint'),
      turn('c', 'flow', 0, 'greeting', 'greeting', 'en'),
    ]);
    expect(score.turns).toEqual({ total: 5, right: 3 });
    expect(score.dialogues).toEqual({ total: 3, right: 1 });
    expect(score.emergencies).toEqual({ total: 2, right: 1 });
    expect(score.byCategory.flow).toEqual({ turns: 3, right: 2, dialogues: 2, dialoguesRight: 1 });
    expect(score.errors.map((e) => `${e.dialogue}#${e.index}`)).toEqual(['a#1', 'b#1']);
  });
});
