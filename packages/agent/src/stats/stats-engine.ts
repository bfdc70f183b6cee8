import type { Clock, Logger } from '@fractal-ecs/common';
import type { TelemetrySource } from '../tcs';
import { epochSeconds, type ContainerMetric, type TaskHealth, type TaskMetric } from '../wire';
import type { ContainerStatsReader } from './container-stats-reader';
import { toContainerSample } from './container-sample';
import { DOCKER_ZERO_TIME, emptyCpuStats, type DockerStatsJson } from './docker-stats-json';
import { queueCapacity, sampleIntervalMs, type StatsSettings } from './stats-settings';
import { StatsQueue } from './stats-queue';
import type { TrackedContainer, TrackedContainerSource } from './tracked-container-source';

export interface StatsEngineOptions {
  readonly source: TrackedContainerSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: StatsSettings;
  /** Host CPU count: upstream divides container CPU time by it, so 100% = every core busy. */
  readonly hostCores: number;
  /** Tried first for every container (the cgroup reader); none to sample through Docker only. */
  readonly primary?: ContainerStatsReader;
  /** Used for a container the primary cannot read (the Docker API reader). */
  readonly fallback?: ContainerStatsReader;
  /**
   * Docker API reads in flight at once (default 32). dockerd answers every stats call at its next
   * once-a-second collection, so calls must overlap for a tick to fit in a second; the cap keeps a large
   * host from opening hundreds of connections at once.
   */
  readonly fallbackConcurrency?: number;
}

type ReaderName = 'primary' | 'fallback';

interface ContainerState {
  container: TrackedContainer;
  readonly queue: StatsQueue;
  latest?: DockerStatsJson;
  via?: ReaderName;
}

/**
 * Samples every running task container at the configured cadence, keeps upstream's per-container
 * queues, and serves them to TCS (as the TelemetrySource) and to the metadata endpoints (as Docker
 * stats JSON). With ECS_DISABLE_METRICS nothing is ever sampled.
 */
export class StatsEngine implements TelemetrySource {
  readonly #containers = new Map<string, ContainerState>();

  constructor(private readonly options: StatsEngineOptions) {}

  get sampleIntervalMs(): number {
    return sampleIntervalMs(this.options.settings);
  }

  /** Samples until the signal aborts; returns at once when metrics are disabled. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, settings, logger } = this.options;
    if (settings.metricsDisabled) return logger.info('Metrics are disabled (ECS_DISABLE_METRICS): no container stats are gathered');
    logger.info({ intervalMs: this.sampleIntervalMs, queue: queueCapacity(settings) }, 'Gathering container stats');
    try {
      while (!signal.aborted) {
        const started = clock.now().getTime();
        await this.sampleAll(signal);
        const elapsed = clock.now().getTime() - started;
        await clock.sleep(Math.max(0, this.sampleIntervalMs - elapsed), signal);
      }
    } finally {
      this.options.primary?.close?.();
      this.options.fallback?.close?.();
    }
  }

  /** One tick: every running container sampled once; containers no longer running are dropped. */
  async sampleAll(signal?: AbortSignal): Promise<void> {
    if (this.options.settings.metricsDisabled) return;
    const running = this.options.source.runningContainers();
    const live = new Set(running.map((container) => container.dockerId));
    for (const dockerId of this.#containers.keys()) {
      if (live.has(dockerId)) continue;
      this.#containers.delete(dockerId);
      this.options.primary?.forget(dockerId);
      this.options.fallback?.forget(dockerId);
    }
    this.options.primary?.startTick();
    this.options.fallback?.startTick();
    const needFallback: ContainerState[] = [];
    for (const container of running) {
      const state = this.stateOf(container);
      const stats = await this.options.primary?.read(container, signal);
      if (stats) this.record(state, stats, 'primary');
      else if (this.options.fallback) needFallback.push(state);
    }
    await forEachLimited(needFallback, this.options.fallbackConcurrency ?? 32, async (state) => {
      try {
        const stats = await this.options.fallback!.read(state.container, signal);
        if (stats) this.record(state, stats, 'fallback');
      } catch (error) {
        this.options.logger.debug({ dockerId: state.container.dockerId, err: (error as Error).message }, 'Could not read container stats from Docker');
      }
    });
  }

  /** The last sample of a container in Docker's stats JSON, for the `/stats` endpoints. */
  latestDockerStats(dockerId: string): DockerStatsJson | undefined {
    return this.#containers.get(dockerId)?.latest;
  }

  /** The last sample of every tracked container of a task, by Docker ID (`/task/stats`); null before the first. */
  taskDockerStats(taskArn: string): Record<string, DockerStatsJson | null> {
    const out: Record<string, DockerStatsJson | null> = {};
    for (const [dockerId, state] of this.#containers) if (state.container.taskArn === taskArn) out[dockerId] = state.latest ?? null;
    return out;
  }

  /** v4's `network_rate_stats`, once two samples with network counters exist. */
  networkRateStats(dockerId: string): { rx_bytes_per_sec: number; tx_bytes_per_sec: number } | undefined {
    const rates = this.#containers.get(dockerId)?.queue.lastNetworkRates();
    return rates && { rx_bytes_per_sec: rates.rxBytesPerSecond, tx_bytes_per_sec: rates.txBytesPerSecond };
  }

  /**
   * The metrics of one publication window: [] when no task container runs (TCS sends the idle
   * message), undefined when containers run but none has enough samples yet (nothing is sent).
   * A successful collection marks every queued sample sent.
   */
  async taskMetrics(): Promise<TaskMetric[] | undefined> {
    const running = this.options.source.runningContainers();
    if (running.length === 0) return [];
    const tasks = new Map<string, TaskMetric & { containerMetrics: ContainerMetric[] }>();
    for (const container of running) {
      const state = this.#containers.get(container.dockerId);
      const metric = state && containerMetric(container, state.queue);
      if (!metric) continue;
      let task = tasks.get(container.taskArn);
      if (!task) {
        task = { taskArn: container.taskArn, taskDefinitionFamily: container.taskDefinitionFamily, taskDefinitionVersion: container.taskDefinitionVersion, containerMetrics: [] };
        tasks.set(container.taskArn, task);
      }
      task.containerMetrics.push(metric);
    }
    if (tasks.size === 0) return undefined;
    for (const state of this.#containers.values()) state.queue.markSent();
    return [...tasks.values()];
  }

  /** Health of containers with a Docker health check, grouped by task; nothing when health checks are disabled. */
  async taskHealth(): Promise<TaskHealth[]> {
    if (this.options.settings.dockerHealthCheckDisabled) return [];
    const tasks = new Map<string, TaskHealth & { containers: NonNullable<TaskHealth['containers']> }>();
    for (const container of this.options.source.runningContainers()) {
      if (!container.health) continue;
      let task = tasks.get(container.taskArn);
      if (!task) {
        task = { taskArn: container.taskArn, taskDefinitionFamily: container.taskDefinitionFamily, taskDefinitionVersion: container.taskDefinitionVersion, containers: [] };
        tasks.set(container.taskArn, task);
      }
      task.containers.push({
        containerName: container.containerName,
        healthStatus: container.health.status,
        ...(container.health.since ? { statusSince: epochSeconds(container.health.since) } : {}),
      });
    }
    return [...tasks.values()];
  }

  private stateOf(container: TrackedContainer): ContainerState {
    let state = this.#containers.get(container.dockerId);
    if (!state) {
      state = { container, queue: new StatsQueue(queueCapacity(this.options.settings)) };
      this.#containers.set(container.dockerId, state);
    }
    state.container = container;
    return state;
  }

  private record(state: ContainerState, stats: DockerStatsJson, via: ReaderName): void {
    const { logger, hostCores } = this.options;
    const { dockerId } = state.container;
    if (state.via !== via) {
      if (via === 'fallback') logger.info({ dockerId }, 'Container cgroup files are not readable here; reading its stats through the Docker API');
      state.via = via;
    }
    // As in Docker's streaming samples, precpu is the previous sample's CPU, whichever reader took it.
    const sample = { ...stats, preread: state.latest?.read ?? DOCKER_ZERO_TIME, precpu_stats: state.latest?.cpu_stats ?? emptyCpuStats() };
    state.latest = sample;
    const converted = toContainerSample(sample, hostCores);
    if (typeof converted === 'string') return logger.debug({ dockerId, reason: converted }, 'Container stats sample dropped');
    const added = state.queue.add(converted);
    if (added.implausibleCpuPercent !== undefined) logger.error({ dockerId, cpuPercent: added.implausibleCpuPercent }, 'Computed CPU usage is above the backend maximum');
  }
}

/** Network stats go to TCS for containers with their own bridge-like network, not host, none or a shared namespace. */
function hasOwnNetwork(container: TrackedContainer): boolean {
  const mode = container.networkMode ?? 'bridge';
  return mode !== 'host' && mode !== 'none' && mode !== 'awsvpc' && !mode.startsWith('container:');
}

function containerMetric(container: TrackedContainer, queue: StatsQueue): ContainerMetric | undefined {
  const cpuStatsSet = queue.cpuStatsSet();
  const memoryStatsSet = queue.memoryStatsSet();
  if (!cpuStatsSet || !memoryStatsSet) return undefined;
  const storageStatsSet = queue.storageStatsSet();
  const networkStatsSet = hasOwnNetwork(container) ? queue.networkStatsSet() : undefined;
  return {
    ...(container.containerArn ? { containerArn: container.containerArn } : {}),
    containerName: container.containerName,
    cpuStatsSet,
    memoryStatsSet,
    ...(storageStatsSet ? { storageStatsSet } : {}),
    ...(networkStatsSet ? { networkStatsSet } : {}),
  };
}

async function forEachLimited<T>(items: readonly T[], limit: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await job(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
