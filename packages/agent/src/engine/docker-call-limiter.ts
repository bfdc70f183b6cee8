/**
 * Caps the container creates and starts in Docker at once. Past a few, a burst only slows every call
 * (dockerd serialises much of the work; on 2 cores four at a time was fastest), so the rest wait their
 * turn here. Starts go before creates: finishing what has begun brings tasks to RUNNING soonest.
 */
export class DockerCallLimiter {
  #active = 0;
  readonly #starts: (() => void)[] = [];
  readonly #creates: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`DockerCallLimiter: limit must be a positive integer, got ${limit}`);
  }

  /** Runs `call` once fewer than `limit` calls are running. */
  async run<T>(kind: 'create' | 'start', call: () => Promise<T>): Promise<T> {
    if (this.#active >= this.limit) await new Promise<void>((resolve) => (kind === 'start' ? this.#starts : this.#creates).push(resolve));
    else this.#active++;
    try {
      return await call();
    } finally {
      // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
      const next = this.#starts.shift() ?? this.#creates.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
