import type { BackoffOptions } from '@fractal-ecs/common';

/** Upstream's ACS timers (agent/acs/handler/acs_handler.go); tests pass shorter ones. */
export interface AcsTimings {
  /** Silence longer than this plus jitter closes the connection. */
  readonly heartbeatTimeoutMs: number;
  readonly heartbeatJitterMs: number;
  readonly backoff: BackoffOptions;
  /** Wait after InactiveInstanceException (the instance was deregistered). */
  readonly inactiveInstanceWaitMs: number;
}

export const DEFAULT_ACS_TIMINGS: AcsTimings = {
  heartbeatTimeoutMs: 60_000,
  heartbeatJitterMs: 60_000,
  backoff: { min: 250, max: 2 * 60_000, multiple: 1.5, jitter: 0.2 },
  inactiveInstanceWaitMs: 60 * 60_000,
};
