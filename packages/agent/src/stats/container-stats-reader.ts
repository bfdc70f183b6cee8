import type { DockerStatsJson } from './docker-stats-json';
import type { TrackedContainer } from './tracked-container-source';

/** Takes one sample of a container in Docker's stats shape. */
export interface ContainerStatsReader {
  /** Called once per sampling tick before any read (host-wide counters are read here). */
  startTick(): void;
  /** Undefined when this reader cannot read the container (its files are not visible, it has gone). */
  read(container: TrackedContainer, signal?: AbortSignal): Promise<DockerStatsJson | undefined>;
  /** The container stopped being tracked: drop what was cached for it. */
  forget(dockerId: string): void;
  /** Sampling has stopped: release whatever is held open (a later read opens it again). */
  close?(): void;
}
