import type { ContainerStatsReader } from './container-stats-reader';
import type { DockerStatsJson } from './docker-stats-json';
import type { TrackedContainer } from './tracked-container-source';

/**
 * The one Docker call the stats fallback needs: `GET /containers/<id>/stats?stream=false` (ideally with
 * `one-shot=true`, which answers at once instead of waiting a second for a second sample). The agent's
 * DockerClient provides it as `containerStats`.
 */
export interface DockerStatsApi {
  containerStats(id: string, call?: { readonly timeoutMs?: number; readonly signal?: AbortSignal }): Promise<unknown>;
}

/** Upstream's per-call stats timeout. */
export const DOCKER_STATS_TIMEOUT_MS = 18_000;

/** Samples through the Docker API: the fallback when the cgroup files cannot be read. */
export class DockerApiStatsReader implements ContainerStatsReader {
  constructor(private readonly api: DockerStatsApi) {}

  startTick(): void {}

  async read(container: TrackedContainer, signal?: AbortSignal): Promise<DockerStatsJson | undefined> {
    const stats = await this.api.containerStats(container.dockerId, { timeoutMs: DOCKER_STATS_TIMEOUT_MS, ...(signal ? { signal } : {}) });
    return isDockerStats(stats) ? stats : undefined;
  }

  forget(): void {}
}

function isDockerStats(value: unknown): value is DockerStatsJson {
  const stats = value as Partial<DockerStatsJson> | null;
  return typeof stats === 'object' && stats !== null && typeof stats.read === 'string' && typeof stats.cpu_stats === 'object' && typeof stats.memory_stats === 'object';
}
