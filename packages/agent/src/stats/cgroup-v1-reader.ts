import path from 'node:path';
import type { V1Controller } from './cgroup-location';
import { blkioStats, DOCKER_ZERO_TIME, emptyCpuStats, formatDockerTime, optional, type DockerNetworkStats, type DockerStatsJson } from './docker-stats-json';
import { HeldPseudoFiles } from './held-pseudo-files';
import type { HostCounters } from './host-counters';
import { parseBlkioV1, parseKeyValueLines, parseNumberList, parseSingleNumber, ticksToNs } from './pseudo-file-parsers';

/** The files a v1 sample reads: every one feeds a field of the stats JSON the metadata endpoints serve. */
const V1_FILES = {
  cpuUsage: ['cpuacct', 'cpuacct.usage'],
  cpuUsagePerCpu: ['cpuacct', 'cpuacct.usage_percpu'],
  cpuTimes: ['cpuacct', 'cpuacct.stat'],
  throttling: ['cpu', 'cpu.stat'],
  memoryUsage: ['memory', 'memory.usage_in_bytes'],
  memoryMaxUsage: ['memory', 'memory.max_usage_in_bytes'],
  memoryLimit: ['memory', 'memory.limit_in_bytes'],
  memoryStat: ['memory', 'memory.stat'],
  ioServiceBytes: ['blkio', 'blkio.throttle.io_service_bytes_recursive'],
  ioServiced: ['blkio', 'blkio.throttle.io_serviced_recursive'],
  pids: ['pids', 'pids.current'],
  pidsLimit: ['pids', 'pids.max'],
} as const satisfies Record<string, readonly [V1Controller, string]>;

export type CgroupV1Files = HeldPseudoFiles<keyof typeof V1_FILES>;

export function cgroupV1Files(dirs: Readonly<Record<V1Controller, string>>): CgroupV1Files {
  const paths = {} as Record<keyof typeof V1_FILES, string>;
  for (const [name, [controller, file]] of Object.entries(V1_FILES)) paths[name as keyof typeof V1_FILES] = path.join(dirs[controller], file);
  return new HeldPseudoFiles(paths);
}

/**
 * One sample of a container from its cgroup v1 files, in Docker's stats shape (the same files and
 * mapping dockerd uses). Undefined when the CPU or memory accounting cannot be read (the container has
 * gone, or the tree is not visible from here).
 */
export function readCgroupV1(files: CgroupV1Files, host: HostCounters, readAtMs: number, networks: Record<string, DockerNetworkStats> | undefined): DockerStatsJson | undefined {
  const totalUsage = files.parse('cpuUsage', parseSingleNumber);
  const memoryUsage = files.parse('memoryUsage', parseSingleNumber);
  if (totalUsage === undefined || memoryUsage === undefined) return undefined;

  const perCpu = files.parse('cpuUsagePerCpu', parseNumberList);
  const cpuTimes = files.parse('cpuTimes', parseKeyValueLines);
  const throttling = files.parse('throttling', parseKeyValueLines);
  const limit = files.parse('memoryLimit', parseSingleNumber);
  const pids = files.parse('pids', parseSingleNumber);
  const pidsLimit = files.parse('pidsLimit', parseSingleNumber);
  return {
    read: formatDockerTime(readAtMs),
    preread: DOCKER_ZERO_TIME,
    pids_stats: { ...optional('current', pids), ...optional('limit', pidsLimit) },
    blkio_stats: blkioStats(files.parse('ioServiceBytes', parseBlkioV1), files.parse('ioServiced', parseBlkioV1)),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: {
      cpu_usage: {
        total_usage: totalUsage,
        ...(perCpu ? { percpu_usage: perCpu } : {}),
        usage_in_kernelmode: ticksToNs(cpuTimes.system),
        usage_in_usermode: ticksToNs(cpuTimes.user),
      },
      ...optional('system_cpu_usage', host.systemCpuUsage),
      online_cpus: host.onlineCpus,
      throttling_data: { periods: throttling.nr_periods ?? 0, throttled_periods: throttling.nr_throttled ?? 0, throttled_time: throttling.throttled_time ?? 0 },
    },
    precpu_stats: emptyCpuStats(),
    memory_stats: {
      usage: memoryUsage,
      ...optional('max_usage', files.parse('memoryMaxUsage', parseSingleNumber)),
      stats: files.parse('memoryStat', parseKeyValueLines),
      // Docker reports the host's memory for a container without a limit.
      ...optional('limit', limit !== undefined && host.memTotal !== undefined ? Math.min(limit, host.memTotal) : (limit ?? host.memTotal)),
    },
    ...(networks ? { networks } : {}),
  };
}
