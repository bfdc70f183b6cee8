import type { BackoffOptions } from '@fractal-ecs/common';

/** Upstream's TCS timers (agent/tcs/handler, agent/tcs/client); tests pass shorter ones. */
export interface TcsTimings {
  readonly heartbeatTimeoutMs: number;
  readonly heartbeatJitterMs: number;
  /** Metrics and health publish interval (DefaultContainerMetricsPublishInterval). */
  readonly publishIntervalMs: number;
  readonly backoff: BackoffOptions;
}

export const DEFAULT_TCS_TIMINGS: TcsTimings = {
  heartbeatTimeoutMs: 60_000,
  heartbeatJitterMs: 60_000,
  publishIntervalMs: 20_000,
  backoff: { min: 1_000, max: 60_000, multiple: 2, jitter: 0.2 },
};
