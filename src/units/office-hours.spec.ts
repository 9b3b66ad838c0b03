import { isOpen, localMidnight, localParts, nextOpening } from './office-hours';
import type { WeeklySlots } from './unit';

// Mon–Fri 07:00–11:30 and 13:30–17:00, Saturday morning; local time UTC+7.
const slots = [
  { start: 7 * 60, end: 11 * 60 + 30 },
  { start: 13 * 60 + 30, end: 17 * 60 },
];
const HOURS: WeeklySlots = {
  0: [],
  1: slots,
  2: slots,
  3: slots,
  4: slots,
  5: slots,
  6: [{ start: 7 * 60, end: 11 * 60 }],
};
const local = (iso: string) => new Date(`${iso}+07:00`);

describe('office hours', () => {
  describe('#localParts', () => {
    it('should give the local date across the UTC day change', () => {
      expect(localParts(new Date('2026-01-01T17:30:00Z'))).toEqual({
        date: '2026-01-02',
        weekday: 5,
        minutes: 30,
      });
    });
  });

  describe('#localMidnight', () => {
    it('should be 17:00 UTC of the previous day', () => {
      expect(localMidnight(local('2026-03-10T15:00:00')).toISOString()).toBe('2026-03-09T17:00:00.000Z');
    });
  });

  describe('#isOpen', () => {
    it.each([
      ['2026-11-23T07:00:00', true, 'Monday at opening'],
      ['2026-11-23T11:30:00', false, 'lunch break starts'],
      ['2026-11-23T16:59:00', true, 'just before closing'],
      ['2026-11-23T17:00:00', false, 'closing time'],
      ['2026-11-28T09:00:00', true, 'Saturday morning'],
      ['2026-11-29T09:00:00', false, 'Sunday'],
      ['2026-09-02T09:00:00', false, 'National Day (a Wednesday, holiday)'],
    ])('%s → %s (%s)', (at, open) => {
      expect(isOpen(HOURS, new Set(['2026-09-02']), local(at))).toBe(open);
    });
  });

  describe('#nextOpening', () => {
    it('should be now when open', () => {
      const now = local('2026-11-23T08:00:00');
      expect(nextOpening(HOURS, new Set(), now)).toEqual(now);
    });

    it('should skip the lunch break, the night, Sunday and holidays', () => {
      expect(nextOpening(HOURS, new Set(), local('2026-11-23T12:00:00'))).toEqual(
        local('2026-11-23T13:30:00'),
      );
      expect(nextOpening(HOURS, new Set(), local('2026-11-23T20:00:00'))).toEqual(
        local('2026-11-24T07:00:00'),
      );
      expect(nextOpening(HOURS, new Set(), local('2026-11-28T12:00:00'))).toEqual(
        local('2026-11-30T07:00:00'),
      );
      expect(nextOpening(HOURS, new Set(['2026-09-02', '2026-09-03']), local('2026-09-01T18:00:00'))).toEqual(
        local('2026-09-04T07:00:00'),
      );
    });

    it('should give up (null) when no slot exists at all', () => {
      expect(nextOpening({}, new Set(), local('2026-11-23T08:00:00'))).toBeNull();
    });
  });
});
