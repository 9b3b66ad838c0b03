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
