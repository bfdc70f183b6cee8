// Container stats: cgroup files read directly (Docker API as the fallback), upstream's per-container
// queues and CloudWatch-style sets for TCS, and the last Docker-shaped sample for the metadata endpoints.
export type { TrackedContainer, TrackedContainerSource, TrackedHealth } from './tracked-container-source';
export { StatsEngine, type StatsEngineOptions } from './stats-engine';
export { createStatsEngine, type CreateStatsEngineOptions } from './create-stats-engine';
export { statsSettingsFromConfig, sampleIntervalMs, queueCapacity, type StatsSettings } from './stats-settings';
export { DockerApiStatsReader, DOCKER_STATS_TIMEOUT_MS, type DockerStatsApi } from './docker-api-stats-reader';
export { CgroupStatsReader, defaultStatsRoots } from './cgroup-stats-reader';
export type { ContainerStatsReader } from './container-stats-reader';
export type { StatsRoots } from './cgroup-location';
export type { DockerStatsJson } from './docker-stats-json';
