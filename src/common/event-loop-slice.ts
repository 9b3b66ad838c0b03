import { performance } from 'node:perf_hooks';

/**
 * Cooperative time slices for background work on the event loop. A turn, a send or a commit is
 * short, but a backlog of them runs as one long chain of promise continuations (better-sqlite3 is
 * synchronous, so nothing in the chain waits on I/O), and a webhook arriving meanwhile is not even
 * read until the chain ends: at 1,000 deliveries/s with turns behind, acknowledgements waited
 * hundreds of milliseconds.
 *
 * Background work calls `yieldSlice()` before each unit of work. While the current slice has run
 * less than `budgetMs` and nobody waits, it goes on at once. Otherwise it queues, and each turn of
 * the event loop, after the poll for I/O (incoming requests parsed and their handlers run), lets at
 * most `perTurn` queued units go on. A count, not the clock, bounds what is let through: units
 * released together start in one burst of promise continuations before any of them has spent time,
 * so a clock check at release would let them all through. Request handlers never call it.
 *
 * What a request handler queued for the same check phase (a webhook's group commit) is not
 * necessarily ahead: a release queued in the previous check phase runs first, and so did the units
 * it let go. Work registered with `goesFirst()` is therefore waited for before each release, and a
 * background loop or commit can wait for it too (`nextLoopTurn()`).
 */
export class EventLoopSlice {
  private sliceStart = performance.now();
  /** Work that finishes something (a send), served before work that starts something (a turn). */
  private readonly finishing: (() => void)[] = [];
  private readonly queue: (() => void)[] = [];
  private scheduled = false;
  private readonly firsts: (() => Promise<void> | undefined)[] = [];

  constructor(
    private readonly budgetMs = 2,
    private readonly perTurn = 4,
  ) {}

  /**
   * Nothing to wait for within the slice; else resolves once the event loop has polled for I/O.
   * `finishes`: the unit completes work already under way (a reply to send), so it goes before the
   * units that would start more (turns), and a backlog of turns does not hold replies back.
   */
  yieldSlice(finishes = false): Promise<void> | undefined {
    if (!this.waiting && !this.scheduled && performance.now() - this.sliceStart < this.budgetMs) return;
    return new Promise<void>((resolve) => {
      (finishes ? this.finishing : this.queue).push(resolve);
      this.schedule();
    });
  }

  /**
   * Registers work that background work must not delay: `pending` returns a promise while some of it
   * is queued or under way, which resolves when that much has ended (not when the source is idle, so
   * a steady stream of it does not starve the background). Only for work that is CPU once started,
   * such as a commit on a synchronous driver; waiting on I/O would leave the loop idle.
   */
  goesFirst(pending: () => Promise<void> | undefined): () => void {
    this.firsts.push(pending);
    return () => {
      const at = this.firsts.indexOf(pending);
      if (at >= 0) this.firsts.splice(at, 1);
    };
  }

  /** Resolves once the urgent work queued or under way now has ended; undefined when there is none. */
  urgentEnded(): Promise<void> | undefined {
    const waits = this.firsts.map((pending) => pending()).filter((wait) => wait !== undefined);
    if (!waits.length) return undefined;
    return Promise.all(waits).then(() => undefined);
  }

  /**
   * Resolves in the check phase after the next poll for I/O, once the urgent work queued by then has
   * ended: for background loops that go round once per turn of the event loop (claims, a turn).
   */
  async nextLoopTurn(): Promise<void> {
    await nextCheckPhase();
    await this.urgentEnded();
  }

  /** Units waiting for a turn of the event loop. */
  get waiting(): number {
    return this.finishing.length + this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Two hops: the first lands in the check phase that follows the next poll, after the callbacks
    // already queued; the second one turn later. What that turn's poll queues for its check phase
    // runs after the second hop, hence the wait for the urgent part of it.
    setImmediate(() => void this.nextLoopTurn().then(() => this.release()));
  }

  private release(): void {
    this.scheduled = false;
    this.sliceStart = performance.now();
    const first = this.finishing.splice(0, this.perTurn);
    for (const resolve of [...first, ...this.queue.splice(0, this.perTurn - first.length)]) resolve();
    if (this.waiting) this.schedule();
  }
}

/** Resolves in the check phase that follows the next poll for I/O. */
export function nextCheckPhase(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One per process: every kind of background work shares it, so together they stay within it. */
export const backgroundSlice = new EventLoopSlice();
