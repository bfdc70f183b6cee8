import type { BackoffSettings } from '../wsclient';

/** Upstream's TCS timers (agent/tcs/handler, agent/tcs/client); tests pass shorter ones. */
export interface TcsTimings {
  readonly heartbeatTimeoutMs: number;
  readonly heartbeatJitterMs: number;
  /** Metrics and health publish interval (DefaultContainerMetricsPublishInterval). */
  readonly publishIntervalMs: number;
  readonly backoff: BackoffSettings;
}

export const DEFAULT_TCS_TIMINGS: TcsTimings = {
  heartbeatTimeoutMs: 60_000,
  heartbeatJitterMs: 60_000,
  publishIntervalMs: 20_000,
  backoff: { initialMs: 1_000, maxMs: 60_000, multiplier: 2, jitter: 0.2 },
};
