import { VN_OFFSET_MS } from '../common/clock';

/** A reporting period with exact bounds: [from, to) as UTC instants of local (UTC+7) midnights. */
export interface ReportPeriod {
  /** As given: 2026-Q1, 2026-H1, 2026-9M, 2026, 2026-Q1:nd09, 2026-01-01..2026-03-31. */
  label: string;
  kind: 'quarter' | 'half' | 'nine_months' | 'year' | 'custom';
  /** Decree 09/2019/NĐ-CP data cut-off (15th of the month before → 14th). */
  nd09: boolean;
  from: Date;
  to: Date;
  /** First and last local days included (yyyy-mm-dd). */
  firstDay: string;
  lastDay: string;
}

export class PeriodError extends Error {
  override readonly name = 'PeriodError';
}

const localMidnight = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d) - VN_OFFSET_MS);
const iso = (date: Date) => new Date(date.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);

function make(label: string, kind: ReportPeriod['kind'], nd09: boolean, from: Date, to: Date): ReportPeriod {
  return { label, kind, nd09, from, to, firstDay: iso(from), lastDay: iso(new Date(to.getTime() - 1)) };
}

/**
 * Parses a period. Calendar periods run from the first day of the first month to the last day of
 * the last month; with ":nd09" they follow Decree 09/2019/NĐ-CP Art. 12 — from the 15th of the month
 * before the period to the 14th of its last month (quarter, half, year); the nine-month period is
 * Khánh Hòa's own (15/12 of the year before → 14/9; domain-facts.md R2).
 */
export function parsePeriod(input: string): ReportPeriod {
  const label = input.trim();
  const custom = /^(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})$/.exec(label);
  if (custom) {
    const [y1, m1, d1, y2, m2, d2] = custom.slice(1).map(Number);
    const from = localMidnight(y1, m1, d1);
    const to = localMidnight(y2, m2, d2 + 1);
    if (
      iso(from) !== `${custom[1]}-${custom[2]}-${custom[3]}` ||
      iso(new Date(to.getTime() - 1)) !== `${custom[4]}-${custom[5]}-${custom[6]}`
    ) {
      throw new PeriodError(`"${label}" has a date that does not exist`);
    }
    if (to <= from) throw new PeriodError(`"${label}" ends before it starts`);
    return make(label, 'custom', false, from, to);
  }
  const m = /^(\d{4})(?:-(Q[1-4]|H[12]|9M))?(:nd09)?$/i.exec(label);
  if (!m) {
    throw new PeriodError(
      `"${label}" is not a period: use 2026-Q1, 2026-H1, 2026-9M, 2026 (optionally :nd09) or 2026-01-01..2026-03-31`,
    );
  }
  const year = Number(m[1]);
  const part = (m[2] ?? '').toUpperCase();
  const nd09 = !!m[3];
  // [first month, last month] of the calendar period.
  let months: [number, number];
  let kind: ReportPeriod['kind'];
  if (!part) {
    months = [1, 12];
    kind = 'year';
  } else if (part.startsWith('Q')) {
    const q = Number(part[1]);
    months = [3 * q - 2, 3 * q];
    kind = 'quarter';
  } else if (part === 'H1' || part === 'H2') {
    months = part === 'H1' ? [1, 6] : [7, 12];
    kind = 'half';
  } else {
    months = [1, 9];
    kind = 'nine_months';
  }
  if (!nd09)
    return make(label, kind, false, localMidnight(year, months[0], 1), localMidnight(year, months[1] + 1, 1));
  // Cut-off: from the 15th of the month before the first month to the 14th of the last month.
  const startMonth = months[0] - 1;
  const from = startMonth === 0 ? localMidnight(year - 1, 12, 15) : localMidnight(year, startMonth, 15);
  return make(label, kind, true, from, localMidnight(year, months[1], 15));
}

/** Whether the period has ended at `now` (retention removes only closed periods). */
export function isClosed(period: ReportPeriod, now: Date): boolean {
  return now.getTime() >= period.to.getTime();
}
