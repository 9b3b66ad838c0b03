import { createHash } from 'node:crypto';
import { csvField } from './csv-writer';
import { DistinctKeys, fillDays, Reservoir } from './report-figures';

const key = (i: number) => createHash('sha256').update(String(i)).digest('hex');

describe(DistinctKeys.name, () => {
  it('should count distinct keys exactly across growth, ignoring repeats', () => {
    const set = new DistinctKeys();
    for (let round = 0; round < 3; round++) for (let i = 0; i < 50_000; i++) set.add(key(i));
    expect(set.size).toBe(50_000);
  });
});

describe(Reservoir.name, () => {
  it('should keep at most its size and give the same sample for the same seed', () => {
    const sample = (seed: string) => {
      const r = new Reservoir<number>(10, seed);
      for (let i = 0; i < 1000; i++) r.offer(i);
      return r.values();
    };
    expect(sample('a')).toHaveLength(10);
    expect(sample('a')).toEqual(sample('a'));
    expect(sample('a')).not.toEqual(sample('b'));
  });
});

describe(fillDays.name, () => {
  it('should list every day of the period, across the year change', () => {
    const days = fillDays(
      [{ day: '2026-01-01', interactions: 2, questions: 1, answeredAutomatically: 1, english: 0 }],
      '2025-12-30',
      '2026-01-02',
    );
    expect(days.map((d) => [d.day, d.interactions])).toEqual([
      ['2025-12-30', 0],
      ['2025-12-31', 0],
      ['2026-01-01', 2],
      ['2026-01-02', 0],
    ]);
  });
});

describe(csvField.name, () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['-1+1', "'-1+1"],
    ['Khánh Hòa', 'Khánh Hòa'],
  ])('%j → %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  it('should write numbers as they are and nothing for null', () => {
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
  });
});
