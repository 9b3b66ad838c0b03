import { createHash } from 'node:crypto';
import type { LogRecord } from '../interactions/log-record';
import { csvField } from './csv-writer';
import { DistinctKeys, FigureAccumulator, fillDays, Reservoir } from './report-figures';
import { LocalDateTimes, localDateTime } from './report-format';

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

describe(LocalDateTimes.name, () => {
  it('should format instants as localDateTime does, across days, months, years and out of order', () => {
    const times = new LocalDateTimes();
    const instants = [
      Date.UTC(2025, 11, 31, 16, 59, 59, 999),
      Date.UTC(2025, 11, 31, 17, 0, 0, 0),
      Date.UTC(2026, 0, 1, 0, 0, 0, 1),
      Date.UTC(2026, 1, 28, 23, 30, 5, 500),
      Date.UTC(2026, 0, 15, 3, 4, 5, 6),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      ...Array.from({ length: 200 }, (_, i) => Date.UTC(2026, 0, 1) + i * 77_777_777),
    ];
    for (const at of instants) expect(times.format(at)).toBe(localDateTime(at));
  });
});

describe(FigureAccumulator.name, () => {
  it('should count per day, channel and language, and plan item, with distinct users', () => {
    const figures = new FigureAccumulator();
    const record = (at: string, userKey: string, channel: string, language: string, planItems: string) =>
      ({
        id: 1,
        unitId: 'u',
        seq: 1,
        occurredAt: Date.parse(at),
        channel,
        conversationId: userKey,
        userKey,
        language,
        intent: 'vneid',
        topic: null,
        confidence: null,
        userText: null,
        replyText: '',
        replyKeys: [],
        contentVersion: 'v',
        planItems,
        outcome: 'answered',
        satisfaction: null,
        latencyMs: 1,
        inboxEventId: null,
        prevHash: '',
        hash: '',
      }) satisfies LogRecord;
    figures.add(record('2026-01-01T16:59:59Z', key(1), 'zalo', 'vi', ',vneid,'));
    figures.add(record('2026-01-01T17:00:00Z', key(1), 'zalo', 'en', ',english_programme,vneid,'));
    figures.add(record('2026-01-01T18:00:00Z', key(2), 'web', 'vi', ''));
    figures.add(record('2026-01-01T10:00:00Z', key(3), 'zalo', 'vi', ',vneid,'));
    const f = figures.result();
    expect(f.byDay.map((d) => [d.day, d.interactions, d.english])).toEqual([
      ['2026-01-01', 2, 0],
      ['2026-01-02', 2, 1],
    ]);
    expect(f.byChannelLanguage).toEqual([
      { channel: 'zalo', language: 'vi', interactions: 2, citizens: 2 },
      { channel: 'web', language: 'vi', interactions: 1, citizens: 1 },
      { channel: 'zalo', language: 'en', interactions: 1, citizens: 1 },
    ]);
    expect(f.byPlanItem.map((p) => [p.planItem, p.interactions, p.citizens])).toEqual([
      ['vneid', 3, 2],
      ['english_programme', 1, 1],
    ]);
    expect([f.citizens, f.englishCitizens]).toEqual([3, 1]);
  });
});
