import { nextCheckPhase } from './event-loop-slice';

/**
 * Hands out the event loop one caller at a time, one loop iteration each. A turn's work between its
 * awaits is synchronous (the classifier, rendering, and with a synchronous SQLite driver its reads
 * too), and promises that settle together resume in one microtask drain: forty turns released by one
 * commit would then run back to back while no webhook is read. Taking turns here puts the poll phase
 * (incoming requests, acknowledgements) between any two of them.
 */
export class TurnTaking {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /**
   * `loopTurn` resolves in the check phase after the next poll; by default at once there, or later
   * if it waits for work that goes first (EventLoopSlice.nextLoopTurn).
   */
  constructor(private readonly loopTurn: () => Promise<void> = nextCheckPhase) {}

  /** Resolves when it is the caller's turn; its synchronous work then runs before anyone else's. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || !this.waiting.length) return;
    this.scheduled = true;
    // Scheduled from within the check phase, the next one runs in the next loop iteration, after
    // the poll phase.
    void this.loopTurn().then(() => this.handOver());
  }

  private handOver(): void {
    this.scheduled = false;
    this.waiting.shift()?.();
    this.schedule();
  }
}
