import path from 'node:path';
import type { V1Controller } from './cgroup-location';
import { blkioStats, DOCKER_ZERO_TIME, emptyCpuStats, formatDockerTime, optional, type DockerNetworkStats, type DockerStatsJson } from './docker-stats-json';
import type { HostCounters } from './host-counters';
import { parseBlkioV1, parseKeyValueLines, parseSingleNumber, readPseudoFile, ticksToNs } from './pseudo-files';

/**
 * One sample of a container from its cgroup v1 files, in Docker's stats shape (the same files and
 * mapping dockerd uses). Undefined when the CPU or memory accounting cannot be read (the container has
 * gone, or the tree is not visible from here).
 */
export function readCgroupV1(
  dirs: Readonly<Record<V1Controller, string>>,
  host: HostCounters,
  readAtMs: number,
  networks: Record<string, DockerNetworkStats> | undefined,
): DockerStatsJson | undefined {
  const file = (controller: V1Controller, name: string) => readPseudoFile(path.join(dirs[controller], name));
  const totalUsage = parseSingleNumber(file('cpuacct', 'cpuacct.usage'));
  const memoryUsage = parseSingleNumber(file('memory', 'memory.usage_in_bytes'));
  if (totalUsage === undefined || memoryUsage === undefined) return undefined;

  const perCpu = file('cpuacct', 'cpuacct.usage_percpu')?.trim().split(/\s+/).filter(Boolean).map(Number);
  const cpuTimes = parseKeyValueLines(file('cpuacct', 'cpuacct.stat'));
  const throttling = parseKeyValueLines(file('cpu', 'cpu.stat'));
  const limit = parseSingleNumber(file('memory', 'memory.limit_in_bytes'));
  const pids = parseSingleNumber(file('pids', 'pids.current'));
  const pidsLimit = parseSingleNumber(file('pids', 'pids.max'));
  return {
    read: formatDockerTime(readAtMs),
    preread: DOCKER_ZERO_TIME,
    pids_stats: { ...(pids !== undefined ? { current: pids } : {}), ...(pidsLimit !== undefined ? { limit: pidsLimit } : {}) },
    blkio_stats: blkioStats(parseBlkioV1(file('blkio', 'blkio.throttle.io_service_bytes_recursive')), parseBlkioV1(file('blkio', 'blkio.throttle.io_serviced_recursive'))),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: {
      cpu_usage: {
        total_usage: totalUsage,
        ...(perCpu && perCpu.length > 0 && !perCpu.some(Number.isNaN) ? { percpu_usage: perCpu } : {}),
        usage_in_kernelmode: ticksToNs(cpuTimes.system),
        usage_in_usermode: ticksToNs(cpuTimes.user),
      },
      ...(host.systemCpuUsage !== undefined ? { system_cpu_usage: host.systemCpuUsage } : {}),
      online_cpus: host.onlineCpus,
      throttling_data: { periods: throttling.nr_periods ?? 0, throttled_periods: throttling.nr_throttled ?? 0, throttled_time: throttling.throttled_time ?? 0 },
    },
    precpu_stats: emptyCpuStats(),
    memory_stats: {
      usage: memoryUsage,
      ...optional('max_usage', parseSingleNumber(file('memory', 'memory.max_usage_in_bytes'))),
      stats: parseKeyValueLines(file('memory', 'memory.stat')),
      // Docker reports the host's memory for a container without a limit.
      ...optional('limit', limit !== undefined && host.memTotal !== undefined ? Math.min(limit, host.memTotal) : (limit ?? host.memTotal)),
    },
    ...(networks ? { networks } : {}),
  };
}
