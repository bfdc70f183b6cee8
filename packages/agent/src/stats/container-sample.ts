import { parseDockerTime, type DockerStatsJson } from './docker-stats-json';

export interface NetworkCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

/** Upstream's per-sample container figures (agent/stats ContainerStats). */
export interface ContainerSample {
  /** Epoch ms of the sample (Docker's `read`), fractional. */
  readonly timestampMs: number;
  /** Cumulative CPU ns divided by the host's core count, so 100% means every core busy. */
  readonly cpuUsageNs: number;
  /** Bytes in use without the page cache. */
  readonly memoryBytes: number;
  readonly storageReadBytes: number;
  readonly storageWriteBytes: number;
  /** Sums over the container's interfaces; undefined when Docker reports none (host, none). */
  readonly network?: NetworkCounters;
}

/**
 * Converts a Docker stats sample the way upstream does on Linux. Memory is usage minus the page cache:
 * `cache` on cgroup v1 (upstream's subtraction); on cgroup v2, which has no `cache` key, `inactive_file`
 * (what `docker stats` subtracts there), never below zero. A sample without CPU accounting (no per-CPU
 * usage and no online CPU count: a container that has stopped) is rejected with a reason.
 */
export function toContainerSample(stats: DockerStatsJson, hostCores: number): ContainerSample | string {
  const timestampMs = parseDockerTime(stats.read);
  if (timestampMs === undefined) return `read: expected an RFC 3339 time, got ${JSON.stringify(stats.read)}`;
  const usage = stats.cpu_stats?.cpu_usage;
  if (typeof usage?.total_usage !== 'number') return 'cpu_stats.cpu_usage.total_usage: missing';
  if ((usage.percpu_usage?.length ?? 0) === 0 && !stats.cpu_stats.online_cpus) return 'cpu_stats: no per-CPU usage and no online CPUs (container not running)';
  return {
    timestampMs,
    cpuUsageNs: usage.total_usage / hostCores,
    memoryBytes: memoryWithoutCache(stats),
    ...storageBytes(stats),
    ...(stats.networks ? { network: sumNetworks(stats.networks) } : {}),
  };
}

function memoryWithoutCache(stats: DockerStatsJson): number {
  const usage = stats.memory_stats?.usage ?? 0;
  const counters = stats.memory_stats?.stats ?? {};
  const cache = counters.cache ?? counters.inactive_file ?? 0;
  return cache <= usage ? usage - cache : usage;
}

function storageBytes(stats: DockerStatsJson): { storageReadBytes: number; storageWriteBytes: number } {
  let storageReadBytes = 0;
  let storageWriteBytes = 0;
  // cgroup v1 names the ops "Read"/"Write", v2 "read"/"write".
  for (const entry of stats.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op.toLowerCase();
    if (op === 'read') storageReadBytes += entry.value;
    else if (op === 'write') storageWriteBytes += entry.value;
  }
  return { storageReadBytes, storageWriteBytes };
}

function sumNetworks(networks: NonNullable<DockerStatsJson['networks']>): NetworkCounters {
  const total: NetworkCounters = { rxBytes: 0, rxPackets: 0, rxErrors: 0, rxDropped: 0, txBytes: 0, txPackets: 0, txErrors: 0, txDropped: 0 };
  for (const net of Object.values(networks)) {
    total.rxBytes += net.rx_bytes;
    total.rxPackets += net.rx_packets;
    total.rxErrors += net.rx_errors;
    total.rxDropped += net.rx_dropped;
    total.txBytes += net.tx_bytes;
    total.txPackets += net.tx_packets;
    total.txErrors += net.tx_errors;
    total.txDropped += net.tx_dropped;
  }
  return total;
}
