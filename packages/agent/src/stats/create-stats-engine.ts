import os from 'node:os';
import type { Clock, Logger } from '@fractal-ecs/common';
import type { StatsRoots } from './cgroup-location';
import { CgroupStatsReader, defaultStatsRoots } from './cgroup-stats-reader';
import { DockerApiStatsReader, type DockerStatsApi } from './docker-api-stats-reader';
import { StatsEngine } from './stats-engine';
import type { StatsSettings } from './stats-settings';
import type { TrackedContainerSource } from './tracked-container-source';

export interface CreateStatsEngineOptions {
  readonly source: TrackedContainerSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: StatsSettings;
  /** The fallback (and, with `reader: 'docker'`, the only) way to sample. */
  readonly docker?: DockerStatsApi;
  /** Host cgroup tree and proc as seen from here; /sys/fs/cgroup and /host/proc or /proc by default. */
  readonly roots?: StatsRoots;
  /** `cgroup` (default): cgroup files, Docker API for what they cannot give; `docker`: Docker API only. */
  readonly reader?: 'cgroup' | 'docker';
}

/** The stats engine as the agent runs it: cgroup files first, the Docker API as the fallback. */
export function createStatsEngine(options: CreateStatsEngineOptions): StatsEngine {
  const { clock, logger } = options;
  const docker = options.docker ? new DockerApiStatsReader(options.docker) : undefined;
  let primary: CgroupStatsReader | undefined;
  if ((options.reader ?? 'cgroup') === 'cgroup') {
    const roots = options.roots ?? defaultStatsRoots();
    primary = new CgroupStatsReader({ roots, onlineCpus: os.cpus().length, now: () => clock.now().getTime() });
    if (primary.version === undefined) {
      logger.warn({ cgroupRoot: roots.cgroup }, 'No cgroup tree found; container stats come from the Docker API');
      primary = undefined;
    } else {
      logger.info({ cgroupVersion: primary.version, cgroupRoot: roots.cgroup, procRoot: roots.proc }, 'Container stats come from cgroup files');
    }
  }
  return new StatsEngine({
    source: options.source,
    clock,
    logger,
    settings: options.settings,
    hostCores: os.availableParallelism(),
    ...(primary ? { primary } : {}),
    ...(docker ? { fallback: docker } : {}),
  });
}
