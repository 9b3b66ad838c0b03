import { nextCheckPhase } from './event-loop-slice';

/** What a flush gives back for one item: its value, or the error that item alone failed with. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** At most this many items in one flush (256). */
  maxBatch?: number;
  /**
   * Whether to flush now or let the batch fill a little longer: asked at each loop iteration, until
   * it agrees, the batch is full, or `maxHoldMs` (10) has passed.
   */
  ready?: () => boolean;
  maxHoldMs?: number;
  /**
   * Resolves in the check phase where a flush may start; by default at once there, or later if it
   * waits for work that goes first (EventLoopSlice.nextLoopTurn).
   */
  loopTurn?: () => Promise<void>;
}

/**
 * Group commit: items handed in while a flush is running wait for the next one, which takes them
 * all (up to `maxBatch`). Under light load a batch is one item and waits for nothing but the end of
 * the current tick; under heavy load one transaction carries many items, so the cost of a commit is
 * shared instead of paid per item. Each caller's promise settles after its own batch's flush.
 */
export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private flushing = false;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  /** Waiting for the end of the flush now queued or under way (`settled()`). */
  private roundWaiters: (() => void)[] = [];

  private holdingSince = 0;

  private readonly maxBatch: number;
  private readonly maxHoldMs: number;

  constructor(
    private readonly flush: (items: I[]) => Promise<Settled<O>[]>,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.maxHoldMs = options.maxHoldMs ?? 10;
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  addAll(items: I[]): Promise<O[]> {
    return Promise.all(items.map((item) => this.add(item)));
  }

  /** Items waiting or in flight. */
  get size(): number {
    return this.queue.length + (this.flushing ? 1 : 0);
  }

  /** Resolves when the flush now queued or under way has ended; undefined when there is none. */
  settled(): Promise<void> | undefined {
    if (!this.scheduled && !this.flushing) return undefined;
    return new Promise((resolve) => this.roundWaiters.push(resolve));
  }

  /** Resolves when nothing is waiting or in flight. */
  idle(): Promise<void> {
    if (!this.flushing && !this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    // The next check phase, not a timer: the requests of this turn of the event loop join the
    // batch, and nothing waits a fixed delay.
    void (this.options.loopTurn ?? nextCheckPhase)().then(() => {
      const { ready } = this.options;
      if (ready && this.queue.length < this.maxBatch && !ready()) {
        this.holdingSince ||= Date.now();
        if (Date.now() - this.holdingSince < this.maxHoldMs) {
          this.scheduled = false;
          return this.schedule();
        }
      }
      this.holdingSince = 0;
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.flushing) return;
    if (!this.queue.length) return this.endRound();
    this.flushing = true;
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      const results = await this.flush(batch.map((p) => p.item));
      batch.forEach((p, i) => {
        const result = results[i];
        if (!result) p.reject(new Error('group commit: no result for an item'));
        else if (result.ok) p.resolve(result.value);
        else p.reject(result.error);
      });
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      this.flushing = false;
      this.endRound();
      if (this.queue.length) this.schedule();
      else this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  /**
   * Round waiters go on only once the microtasks queued so far have run, chains included: a tick
   * queued now runs after the whole microtask queue has drained, so the items' own callers (a
   * webhook's reply) continue before the work that waited for this round.
   */
  private endRound(): void {
    const waiters = this.roundWaiters.splice(0);
    if (waiters.length) process.nextTick(() => waiters.forEach((resolve) => resolve()));
  }
}
