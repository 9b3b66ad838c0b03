import { VN_OFFSET_MS } from '../common/clock';
import type { Language } from '../messaging/language';

/** Numbers, shares and dates the way each language writes them in an official report. */
export class ReportFormat {
  private readonly numbers: Intl.NumberFormat;
  private readonly percents: Intl.NumberFormat;

  constructor(readonly language: Language) {
    const locale = language === 'vi' ? 'vi-VN' : 'en-GB';
    this.numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    this.percents = new Intl.NumberFormat(locale, {
      style: 'percent',
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    });
  }

  number(value: number): string {
    return this.numbers.format(value);
  }

  percent(value: number | null, none: string): string {
    return value === null ? none : this.percents.format(value);
  }

  /** yyyy-mm-dd → dd/mm/yyyy (both languages use day-first dates in Viet Nam). */
  day(isoDay: string): string {
    const [y, m, d] = isoDay.split('-');
    return `${d}/${m}/${y}`;
  }
}

/** An instant as local (UTC+7) "yyyy-mm-dd hh:mm:ss". */
export function localDateTime(at: Date | number): string {
  const t = typeof at === 'number' ? at : at.getTime();
  return new Date(t + VN_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export function localDay(at: Date | number): string {
  return localDateTime(at).slice(0, 10);
}

const DAY_MS = 86_400_000;
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * localDateTime() for instants that come in time order (a report's records): the date is formatted
 * once a day and the time of day by arithmetic, not through a Date and an ISO string per record.
 */
export class LocalDateTimes {
  private dayNumber = Number.NaN;
  private day = '';

  format(at: number): string {
    const local = at + VN_OFFSET_MS;
    const dayNumber = Math.floor(local / DAY_MS);
    if (dayNumber !== this.dayNumber) {
      this.dayNumber = dayNumber;
      this.day = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    }
    const seconds = Math.floor((local - dayNumber * DAY_MS) / 1000);
    return `${this.day} ${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
  }
}
