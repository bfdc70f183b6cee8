/**
 * Upstream's exponential backoff (agent/utils/backoff.go): each wait is the current duration plus a
 * random extra of up to `jitter` times it; the duration then grows by `multiplier` up to `maxMs`.
 */
export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
  /** Fraction of the current duration added at random, e.g. 0.2. */
  readonly jitter: number;
}

export class ExponentialBackoff {
  #currentMs: number;

  constructor(
    private readonly settings: BackoffSettings,
    private readonly random: () => number = Math.random,
  ) {
    this.#currentMs = settings.initialMs;
  }

  /** The next wait, in milliseconds. */
  next(): number {
    const base = this.#currentMs;
    this.#currentMs = Math.min(this.settings.maxMs, base * this.settings.multiplier);
    return Math.round(base + this.random() * this.settings.jitter * base);
  }

  reset(): void {
    this.#currentMs = this.settings.initialMs;
  }
}
