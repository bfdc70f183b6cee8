export interface BackoffOptions {
  /** First delay, ms. */
  min: number;
  /** Cap on the delay before jitter, ms. */
  max: number;
  /** Jitter is added, never subtracted: a delay d becomes d + [0, d * jitter). */
  jitter: number;
  /** Growth factor per call. */
  multiple: number;
  /** How many delays shouldRetry() allows; unlimited when omitted. */
  maxRetries?: number;
  /** Uniform [0, 1); injected so tests pin the jitter. */
  random?: () => number;
}

/**
 * Upstream's exponential backoff (ecs-init backoff.go, agent utils/backoff.go, the same algorithm):
 * min, min*multiple, ... capped at max, plus additive jitter. Delays are whole milliseconds, rounded down so jitter stays below d * jitter.
 */
export class ExponentialBackoff {
  private current: number;
  private count = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.current = options.min;
    this.random = options.random ?? Math.random;
  }

  /** The next delay in ms; every call counts as one retry. */
  duration(): number {
    const base = this.current;
    this.count += 1;
    this.current = Math.min(this.options.max, this.current * this.options.multiple);
    return Math.floor(base + this.random() * base * this.options.jitter);
  }

  shouldRetry(): boolean {
    return this.count < (this.options.maxRetries ?? Number.POSITIVE_INFINITY);
  }

  /** Back to the first delay, e.g. after a connection stayed up long enough. */
  reset(): void {
    this.current = this.options.min;
    this.count = 0;
  }
}
