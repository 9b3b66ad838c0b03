/**
 * A lock for one process: serialises critical sections such as SQLite write transactions. Waiters
 * are served in order, except that urgent ones (a webhook's acknowledgement) go before every
 * waiter that is not: a platform's 200 should not queue behind work that can wait.
 */
export class AsyncMutex {
  private held = false;
  private readonly urgent: (() => void)[] = [];
  private readonly normal: (() => void)[] = [];

  async runExclusive<T>(fn: () => Promise<T>, urgent = false): Promise<T> {
    if (this.held) await new Promise<void>((resolve) => (urgent ? this.urgent : this.normal).push(resolve));
    this.held = true;
    try {
      return await fn();
    } finally {
      const next = this.urgent.shift() ?? this.normal.shift();
      // Handed straight to the next waiter, so nobody can slip in between.
      if (next) next();
      else this.held = false;
    }
  }
}
