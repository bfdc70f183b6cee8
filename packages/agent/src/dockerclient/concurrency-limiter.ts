/**
 * At most `limit` operations run at once; the rest wait in arrival order. Docker serialises much of
 * create and start internally, so a flood of them only queues inside the daemon and slows each one.
 */
export class ConcurrencyLimiter {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit: expected a positive integer, got ${limit}`);
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await operation();
    } finally {
      // The slot passes straight to the next waiter, so #running stays counted for it.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
