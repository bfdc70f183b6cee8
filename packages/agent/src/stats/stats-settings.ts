/** What the stats engine takes from the agent config (ECS_DISABLE_METRICS and friends). */
export interface StatsSettings {
  /** ECS_DISABLE_METRICS: nothing is sampled; the endpoints have no stats. */
  readonly metricsDisabled: boolean;
  /** ECS_DISABLE_DOCKER_HEALTH_CHECK: no container health is published. */
  readonly dockerHealthCheckDisabled: boolean;
  /** ECS_POLL_METRICS: sample every pollingWaitMs instead of every second. */
  readonly poll: boolean;
  /** ECS_POLLING_METRICS_WAIT_DURATION, already clamped to [5s, 20s] by the config loader. */
  readonly pollingWaitMs: number;
  /** TCS publish interval (20 s): sizes the sample ring. */
  readonly publishIntervalMs: number;
}

/** Docker's streaming cadence: upstream's default mode sees one sample per container per second. */
export const STREAMING_SAMPLE_INTERVAL_MS = 1_000;

export function statsSettingsFromConfig(config: {
  readonly metrics: { readonly disabled: boolean; readonly poll: boolean; readonly pollingWaitMs: number };
  readonly capabilities: { readonly dockerHealthCheckDisabled: boolean };
}, publishIntervalMs = 20_000): StatsSettings {
  return {
    metricsDisabled: config.metrics.disabled,
    dockerHealthCheckDisabled: config.capabilities.dockerHealthCheckDisabled,
    poll: config.metrics.poll,
    pollingWaitMs: config.metrics.pollingWaitMs,
    publishIntervalMs,
  };
}

/**
 * Without ECS_POLL_METRICS a sample a second, as upstream's streams deliver; with it, one per wait
 * duration. Cheap either way with cgroup reads: polling only thins the samples.
 */
export function sampleIntervalMs(settings: StatsSettings): number {
  return settings.poll ? settings.pollingWaitMs : STREAMING_SAMPLE_INTERVAL_MS;
}

/** Upstream's ring size: four publish windows of samples (80 at a sample a second). */
export function queueCapacity(settings: StatsSettings): number {
  return Math.max(2, Math.floor(settings.publishIntervalMs / sampleIntervalMs(settings)) * 4);
}
