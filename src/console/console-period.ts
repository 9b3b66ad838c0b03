import { BadRequestException } from '@nestjs/common';

const DAY_MS = 86_400_000;
const VN_MS = 7 * 3600_000;

export interface DayRange {
  /** Local dates, inclusive, YYYY-MM-DD. */
  from: string;
  to: string;
  /** UTC instants: [start, end). */
  start: Date;
  end: Date;
  /** Local day numbers (days since 1970-01-01 local): [fromDay, toDay). */
  fromDay: number;
  toDay: number;
}

function dayOf(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}

function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function valid(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return isoOf(dayOf(value)) === value;
}

/** A range of local days from query strings; the last 30 days up to today when not given. */
export function dayRange(fromInput: unknown, toInput: unknown, now: Date, defaultDays = 30): DayRange {
  const today = Math.floor((now.getTime() + VN_MS) / DAY_MS);
  const empty = (v: unknown) => v === undefined || v === '';
  if ((!empty(fromInput) && !valid(fromInput)) || (!empty(toInput) && !valid(toInput)))
    throw new BadRequestException({ message: 'dates must be YYYY-MM-DD' });
  const toDay = valid(toInput) ? dayOf(toInput) : today;
  const fromDay = valid(fromInput) ? dayOf(fromInput) : toDay - defaultDays + 1;
  if (fromDay > toDay || toDay - fromDay > 3660) throw new BadRequestException({ message: 'bad range' });
  return {
    from: isoOf(fromDay),
    to: isoOf(toDay),
    start: new Date(fromDay * DAY_MS - VN_MS),
    end: new Date((toDay + 1) * DAY_MS - VN_MS),
    fromDay,
    toDay: toDay + 1,
  };
}
