import { VN_OFFSET_MS } from '../common/clock';
import type { WeeklySlots } from './unit';

/** Local (UTC+7) calendar fields of an instant. */
export function localParts(at: Date): { date: string; weekday: number; minutes: number } {
  const local = new Date(at.getTime() + VN_OFFSET_MS);
  return {
    date: local.toISOString().slice(0, 10),
    weekday: local.getUTCDay(),
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}

/** Local midnight of the day containing `at`, as a UTC instant. */
export function localMidnight(at: Date): Date {
  const local = new Date(at.getTime() + VN_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - VN_OFFSET_MS);
}

export function isOpen(hours: WeeklySlots, holidays: Set<string>, at: Date): boolean {
  const { date, weekday, minutes } = localParts(at);
  if (holidays.has(date)) return false;
  return (hours[weekday] ?? []).some((s) => minutes >= s.start && minutes < s.end);
}

/** The next instant staff are at work (now if open), looking at most 60 days ahead. */
export function nextOpening(hours: WeeklySlots, holidays: Set<string>, at: Date): Date | null {
  if (isOpen(hours, holidays, at)) return at;
  const today = localMidnight(at);
  for (let day = 0; day <= 60; day++) {
    const midnight = new Date(today.getTime() + day * 86400000);
    const { date, weekday } = localParts(midnight);
    if (holidays.has(date)) continue;
    const slots = [...(hours[weekday] ?? [])].sort((a, b) => a.start - b.start);
    for (const slot of slots) {
      const start = new Date(midnight.getTime() + slot.start * 60000);
      if (start.getTime() > at.getTime()) return start;
    }
  }
  return null;
}
