import { existsSync } from 'node:fs';
import path from 'node:path';
import { detectCgroupVersion, locateCgroup, type CgroupVersion, type StatsRoots } from './cgroup-location';
import { cgroupV1Files, readCgroupV1, type CgroupV1Files } from './cgroup-v1-reader';
import { cgroupV2Files, readCgroupV2, type CgroupV2Files } from './cgroup-v2-reader';
import type { ContainerStatsReader } from './container-stats-reader';
import type { DockerNetworkStats, DockerStatsJson } from './docker-stats-json';
import { hostCounterFiles, readHostCounters, type HostCounterFiles, type HostCounters } from './host-counters';
import { parseNetDev } from './pseudo-file-parsers';
import { parsePseudoFile } from './pseudo-files';
import type { TrackedContainer } from './tracked-container-source';

export interface CgroupStatsReaderOptions {
  readonly roots: StatsRoots;
  /** Host CPUs online (Docker's online_cpus). */
  readonly onlineCpus: number;
  /** Wall clock of a sample, epoch ms. */
  readonly now: () => number;
}

type ContainerCgroup = { readonly version: 1; readonly files: CgroupV1Files } | { readonly version: 2; readonly files: CgroupV2Files };

/**
 * Reads containers' cgroup files directly (v1 or v2, detected from the tree) and their network counters
 * from /proc/<pid>/net/dev: no request to dockerd at all. A container's cgroup is found once and its
 * files stay open while it is tracked; when a read fails (the kernel answers ENODEV once the cgroup is
 * removed) they are closed and the cgroup is looked for again at the next read.
 */
export class CgroupStatsReader implements ContainerStatsReader {
  readonly version: CgroupVersion | undefined;
  readonly #cgroups = new Map<string, ContainerCgroup>();
  readonly #hostFiles: HostCounterFiles;
  #host: HostCounters | undefined;

  constructor(private readonly options: CgroupStatsReaderOptions) {
    this.version = detectCgroupVersion(options.roots.cgroup);
    this.#hostFiles = hostCounterFiles(options.roots.proc);
  }

  startTick(): void {
    this.#host = readHostCounters(this.#hostFiles, this.options.onlineCpus);
  }

  async read(container: TrackedContainer): Promise<DockerStatsJson | undefined> {
    return this.readNow(container);
  }

  /** The same read, synchronously (the files are kernel pseudo-files). */
  readNow(container: TrackedContainer): DockerStatsJson | undefined {
    const cgroup = this.#cgroups.get(container.dockerId) ?? this.open(container);
    if (!cgroup) return undefined;
    const host = this.#host ?? readHostCounters(this.#hostFiles, this.options.onlineCpus);
    const networks = this.networks(container);
    const now = this.options.now();
    const stats = cgroup.version === 1 ? readCgroupV1(cgroup.files, host, now, networks) : readCgroupV2(cgroup.files, host, now, networks);
    if (!stats) {
      this.forget(container.dockerId);
      return undefined;
    }
    this.#cgroups.set(container.dockerId, cgroup);
    stats.id = container.dockerId;
    if (container.dockerName) stats.name = container.dockerName;
    return stats;
  }

  forget(dockerId: string): void {
    this.#cgroups.get(dockerId)?.files.close();
    this.#cgroups.delete(dockerId);
  }

  close(): void {
    for (const dockerId of [...this.#cgroups.keys()]) this.forget(dockerId);
    this.#hostFiles.close();
    this.#host = undefined;
  }

  /** File descriptors held for a container's cgroup (0 when none). */
  heldDescriptors(dockerId: string): number {
    return this.#cgroups.get(dockerId)?.files.heldCount ?? 0;
  }

  private open(container: TrackedContainer): ContainerCgroup | undefined {
    if (this.version === undefined) return undefined;
    const location = locateCgroup(this.version, this.options.roots, container);
    if (!location) return undefined;
    return location.version === 1 ? { version: 1, files: cgroupV1Files(location.dirs) } : { version: 2, files: cgroupV2Files(location.dir) };
  }

  /**
   * Interfaces of the container's own network namespace; none for host or none mode, as Docker reports.
   * Opened for each read, unlike the cgroup files: a descriptor held on it would keep the namespace, and
   * the interfaces in it, alive after the container has gone.
   */
  private networks(container: TrackedContainer): Record<string, DockerNetworkStats> | undefined {
    if (!container.pid || container.networkMode === 'host' || container.networkMode === 'none') return undefined;
    const counters = parsePseudoFile(path.join(this.options.roots.proc, String(container.pid), 'net', 'dev'), parseNetDev);
    if (!counters) return undefined;
    const out: Record<string, DockerNetworkStats> = {};
    for (const name in counters) {
      const c = counters[name]!;
      out[name] = { rx_bytes: c.rxBytes, rx_packets: c.rxPackets, rx_errors: c.rxErrors, rx_dropped: c.rxDropped, tx_bytes: c.txBytes, tx_packets: c.txPackets, tx_errors: c.txErrors, tx_dropped: c.txDropped };
    }
    return out;
  }
}

/** /proc/1/cgroup of the host: /host/proc when the agent runs in its container, else /proc. */
export function defaultStatsRoots(): StatsRoots {
  return { cgroup: '/sys/fs/cgroup', proc: existsSync('/host/proc/1/cgroup') ? '/host/proc' : '/proc' };
}
