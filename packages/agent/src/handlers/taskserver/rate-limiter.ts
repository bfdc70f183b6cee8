// ECS_TASK_METADATA_RPS_LIMIT: a token bucket per caller as upstream's tollbooth keeps them (source IP
// and path), refilled at the steady rate up to the burst.
import type { Clock } from '@fractal-ecs/common';

export interface RateLimitSettings {
  /** Requests per second, sustained. */
  readonly steadyRate: number;
  /** Requests allowed at once from a full bucket. */
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** How often full buckets are dropped, so memory stays bounded by recent callers. */
const SWEEP_INTERVAL_MS = 60_000;

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  #lastSweep = 0;

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly clock: Clock,
  ) {}

  /** Takes one token for the key; false when the caller is over the limit. */
  allow(key: string): boolean {
    const now = this.clock.now().getTime();
    this.#sweep(now);
    const { steadyRate, burst } = this.settings;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * steadyRate);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    // A bucket that has refilled is the same as no bucket.
    const { steadyRate, burst } = this.settings;
    for (const [key, bucket] of this.#buckets) if (bucket.tokens + ((now - bucket.at) / 1000) * steadyRate >= burst) this.#buckets.delete(key);
  }
}
