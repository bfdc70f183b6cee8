import { availableParallelism } from 'node:os';
import type { AgentConfig } from '../config';
import type { EngineSettings } from './engine-context';

/** Upstream: a steady task is re-inspected every 5 min (plus up to 30 s of jitter). */
export const STEADY_STATE_INSPECT_MS = 5 * 60_000;
/** Upstream: container changes not carried by a task change are sent within 10–30 s. */
export const DRAIN_INTERVAL_MS: readonly [number, number] = [10_000, 30_000];

/** Creates and starts in Docker at once: two per core (four was fastest on 2 cores), at least two. */
function dockerCallConcurrency(): number {
  return Math.max(2, 2 * availableParallelism());
}

/** The engine's settings from the agent configuration and the registered cluster. */
export function engineSettings(config: AgentConfig, cluster: string): EngineSettings {
  return {
    cluster,
    stopTimeoutMs: config.containers.stopTimeoutMs,
    createTimeoutMs: config.containers.createTimeoutMs,
    startTimeoutMs: config.containers.startTimeoutMs,
    pullDependentContainersUpfront: config.containers.pullDependentContainersUpfront,
    cleanupWaitMs: config.tasks.cleanupWaitMs,
    cleanupWaitJitterMs: config.tasks.cleanupWaitJitterMs,
    excludeIpv6PortBinding: config.containers.excludeIpv6PortBinding,
    sharedVolumeMatchFullConfig: config.containers.sharedVolumeMatchFullConfig,
    steadyStateInspectMs: STEADY_STATE_INSPECT_MS,
    drainIntervalMs: DRAIN_INTERVAL_MS,
    dockerCallConcurrency: dockerCallConcurrency(),
  };
}
