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

/** Upstream's exponential backoff: min, min*multiple, ... capped at max, plus additive jitter. */
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
    const spread = base * this.options.jitter;
    return spread > 0 ? base + this.random() * spread : base;
  }

  shouldRetry(): boolean {
    return this.count < (this.options.maxRetries ?? Number.POSITIVE_INFINITY);
  }
}

/** Agent restarts: 0.5 s doubling to 15 s, 10% jitter; never reset for the life of `start`. */
export const AGENT_RESTART_BACKOFF: BackoffOptions = { min: 500, max: 15_000, jitter: 0.1, multiple: 2 };

/** Waiting for the Docker daemon: 1, 2, 3, 3, 3 s (+20% jitter), five retries. */
export const DOCKER_PING_BACKOFF: BackoffOptions = { min: 1000, max: 3000, jitter: 0.2, multiple: 2, maxRetries: 5 };
