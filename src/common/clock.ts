/** Time source: injected so that office hours, periods and windows can be tested at a fixed instant. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

export class FixedClock extends Clock {
  constructor(private current: Date) {
    super();
  }
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date): void {
    this.current = new Date(at.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Vietnam has no daylight saving time: local time is always UTC+7. */
export const VN_OFFSET_MS = 7 * 3600 * 1000;
export const VN_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** The instant `days` whole days before `now` (retention cut-offs). */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 86_400_000);
}
