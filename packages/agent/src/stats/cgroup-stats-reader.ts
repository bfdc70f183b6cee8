import { existsSync } from 'node:fs';
import path from 'node:path';
import { detectCgroupVersion, locateCgroup, type CgroupLocation, type CgroupVersion, type StatsRoots } from './cgroup-location';
import { readCgroupV1 } from './cgroup-v1-reader';
import { readCgroupV2 } from './cgroup-v2-reader';
import type { ContainerStatsReader } from './container-stats-reader';
import type { DockerNetworkStats, DockerStatsJson } from './docker-stats-json';
import { readHostCounters, type HostCounters } from './host-counters';
import { parseNetDev, readPseudoFile } from './pseudo-files';
import type { TrackedContainer } from './tracked-container-source';

export interface CgroupStatsReaderOptions {
  readonly roots: StatsRoots;
  /** Host CPUs online (Docker's online_cpus). */
  readonly onlineCpus: number;
  /** Wall clock of a sample, epoch ms. */
  readonly now: () => number;
}

/**
 * Reads containers' cgroup files directly (v1 or v2, detected from the tree) and their network counters
 * from /proc/<pid>/net/dev: no request to dockerd at all. Locations are found once per container and
 * re-found when a read fails.
 */
export class CgroupStatsReader implements ContainerStatsReader {
  readonly version: CgroupVersion | undefined;
  readonly #locations = new Map<string, CgroupLocation>();
  #host: HostCounters | undefined;

  constructor(private readonly options: CgroupStatsReaderOptions) {
    this.version = detectCgroupVersion(options.roots.cgroup);
  }

  startTick(): void {
    this.#host = readHostCounters(this.options.roots.proc, this.options.onlineCpus);
  }

  async read(container: TrackedContainer): Promise<DockerStatsJson | undefined> {
    return this.readNow(container);
  }

  /** The same read, synchronously (the files are kernel pseudo-files). */
  readNow(container: TrackedContainer): DockerStatsJson | undefined {
    if (this.version === undefined) return undefined;
    const location = this.#locations.get(container.dockerId) ?? locateCgroup(this.version, this.options.roots, container);
    if (!location) return undefined;
    const host = this.#host ?? readHostCounters(this.options.roots.proc, this.options.onlineCpus);
    const networks = this.networks(container);
    const now = this.options.now();
    const stats = location.version === 1 ? readCgroupV1(location.dirs, host, now, networks) : readCgroupV2(location.dir, host, now, networks);
    if (stats) this.#locations.set(container.dockerId, location);
    else this.#locations.delete(container.dockerId);
    return stats && { ...stats, id: container.dockerId, ...(container.dockerName ? { name: container.dockerName } : {}) };
  }

  forget(dockerId: string): void {
    this.#locations.delete(dockerId);
  }

  /** Interfaces of the container's own network namespace; none for host or none mode, as Docker reports. */
  private networks(container: TrackedContainer): Record<string, DockerNetworkStats> | undefined {
    if (!container.pid || container.networkMode === 'host' || container.networkMode === 'none') return undefined;
    const counters = parseNetDev(readPseudoFile(path.join(this.options.roots.proc, String(container.pid), 'net', 'dev')));
    if (!counters) return undefined;
    const out: Record<string, DockerNetworkStats> = {};
    for (const [name, c] of Object.entries(counters)) {
      out[name] = { rx_bytes: c.rxBytes, rx_packets: c.rxPackets, rx_errors: c.rxErrors, rx_dropped: c.rxDropped, tx_bytes: c.txBytes, tx_packets: c.txPackets, tx_errors: c.txErrors, tx_dropped: c.txDropped };
    }
    return out;
  }
}

/** /proc/1/cgroup of the host: /host/proc when the agent runs in its container, else /proc. */
export function defaultStatsRoots(): StatsRoots {
  return { cgroup: '/sys/fs/cgroup', proc: existsSync('/host/proc/1/cgroup') ? '/host/proc' : '/proc' };
}
