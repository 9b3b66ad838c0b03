import { isClosed, parsePeriod, PeriodError } from './report-period';

const days = (label: string) => {
  const p = parsePeriod(label);
  return [p.firstDay, p.lastDay];
};

describe('#parsePeriod', () => {
  it.each([
    ['2026-Q1', ['2026-01-01', '2026-03-31']],
    ['2026-Q4', ['2026-10-01', '2026-12-31']],
    ['2026-H1', ['2026-01-01', '2026-06-30']],
    ['2026-H2', ['2026-07-01', '2026-12-31']],
    ['2026-9M', ['2026-01-01', '2026-09-30']],
    ['2026', ['2026-01-01', '2026-12-31']],
    ['2024-Q1', ['2024-01-01', '2024-03-31']],
    ['2026-01-01..2026-03-31', ['2026-01-01', '2026-03-31']],
    ['2025-12-20..2026-01-10', ['2025-12-20', '2026-01-10']],
    ['2028-02-29..2028-02-29', ['2028-02-29', '2028-02-29']],
  ])('%s covers %j', (label, expected) => {
    expect(days(label)).toEqual(expected);
  });

  it.each([
    ['2026-Q1:nd09', ['2025-12-15', '2026-03-14']],
    ['2026-Q2:nd09', ['2026-03-15', '2026-06-14']],
    ['2026-Q3:nd09', ['2026-06-15', '2026-09-14']],
    ['2026-Q4:nd09', ['2026-09-15', '2026-12-14']],
    ['2026-H1:nd09', ['2025-12-15', '2026-06-14']],
    ['2026-9M:nd09', ['2025-12-15', '2026-09-14']],
    ['2026:nd09', ['2025-12-15', '2026-12-14']],
  ])('%s follows the Decree 09/2019 cut-off: %j', (label, expected) => {
    expect(days(label)).toEqual(expected);
  });

  it('should bound days in Vietnam time: the year starts at 17:00 UTC on 31 December', () => {
    const p = parsePeriod('2026-Q1');
    expect(p.from.toISOString()).toBe('2025-12-31T17:00:00.000Z');
    expect(p.to.toISOString()).toBe('2026-03-31T17:00:00.000Z');
    const nd = parsePeriod('2026-Q1:nd09');
    expect(nd.from.toISOString()).toBe('2025-12-14T17:00:00.000Z');
    expect(nd.to.toISOString()).toBe('2026-03-14T17:00:00.000Z');
  });

  it('should tell a closed period from an open one', () => {
    expect(isClosed(parsePeriod('2026-Q1'), new Date('2026-03-31T16:59:59Z'))).toBe(false);
    expect(isClosed(parsePeriod('2026-Q1'), new Date('2026-03-31T17:00:00Z'))).toBe(true);
  });

  it.each(['2026-Q5', 'Q1-2026', '2026-02-30..2026-03-01', '2026-03-01..2026-02-01', 'last month', ''])(
    'should refuse %j clearly',
    (label) => {
      expect(() => parsePeriod(label)).toThrow(PeriodError);
    },
  );
});
