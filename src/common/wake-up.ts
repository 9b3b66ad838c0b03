/**
 * The sleep of a queue's loop between claims: it ends at the poll interval or at the first
 * wake-up. A wake-up that comes while the loop is awake (claiming) is kept, so the loop goes round
 * again instead of sleeping through work that arrived meanwhile.
 */
export class WakeUp {
  private pending = false;
  private wake?: () => void;

  /** New work, a free slot, a signal from another instance. */
  nudge(): void {
    this.pending = true;
    this.wake?.();
  }

  /** Call at the top of a round: wake-ups from now on count for the next sleep. */
  begin(): void {
    this.pending = false;
  }

  /** Sleeps unless nudged since begin(); true when it ended by the poll interval, not a nudge. */
  sleep(pollMs: number): Promise<boolean> {
    if (this.pending) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), pollMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(false);
      };
    });
  }
}
