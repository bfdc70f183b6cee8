import type { Clock } from '@fractal-ecs/common';

/**
 * A timer that fires `onExpire` unless it is reset in time (the ACS/TCS inactivity timeout). Built on
 * the injected Clock so tests move time by hand. Each reset draws a fresh duration (upstream adds
 * jitter every time).
 */
export class DeadlineTimer {
  #pending: AbortController | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly durationMs: () => number,
    private readonly onExpire: () => void,
  ) {}

  /** Starts or restarts the countdown. */
  reset(): void {
    this.stop();
    const controller = new AbortController();
    this.#pending = controller;
    void this.clock.sleep(this.durationMs(), controller.signal).then(() => {
      if (controller.signal.aborted) return;
      this.#pending = undefined;
      this.onExpire();
    });
  }

  stop(): void {
    this.#pending?.abort();
    this.#pending = undefined;
  }
}

/** Upstream's heartbeat deadline for ACS and TCS: the timeout plus fresh random jitter each time. */
export function heartbeatDeadlineMs(timings: { readonly heartbeatTimeoutMs: number; readonly heartbeatJitterMs: number }, random: () => number): number {
  return timings.heartbeatTimeoutMs + Math.floor(random() * timings.heartbeatJitterMs);
}
