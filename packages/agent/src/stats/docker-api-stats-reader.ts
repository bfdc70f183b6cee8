import type { ContainerStatsReader } from './container-stats-reader';
import type { DockerStatsJson } from './docker-stats-json';
import type { TrackedContainer } from './tracked-container-source';

/**
 * The one Docker call the stats fallback needs: `GET /v1.41/containers/<id>/stats?stream=false&one-shot=true`.
 * Without one-shot (or on an unversioned path, where Docker ignores it) dockerd waits for a second
 * sample, 2 s per call. Even one-shot answers at dockerd's next once-a-second collection (up to 1 s;
 * at once only for a container it is not yet collecting). The agent's DockerClient provides it as
 * `containerStats`.
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
