import path from 'node:path';
import { HeldPseudoFiles } from './held-pseudo-files';
import { blkioStats, DOCKER_ZERO_TIME, emptyCpuStats, formatDockerTime, optional, type DockerBlkioEntry, type DockerNetworkStats, type DockerStatsJson } from './docker-stats-json';
import type { HostCounters } from './host-counters';
import { parseIoStatV2, parseKeyValueLines, parseSingleNumber } from './pseudo-file-parsers';

/** The files a v2 sample reads: every one feeds a field of the stats JSON the metadata endpoints serve. */
const V2_FILES = ['cpu.stat', 'memory.current', 'memory.max', 'memory.stat', 'io.stat', 'pids.current', 'pids.max'] as const;

export type CgroupV2Files = HeldPseudoFiles<(typeof V2_FILES)[number]>;

export function cgroupV2Files(dir: string): CgroupV2Files {
  return new HeldPseudoFiles(Object.fromEntries(V2_FILES.map((name) => [name, path.join(dir, name)])) as Record<(typeof V2_FILES)[number], string>);
}

/**
 * One sample of a container from its cgroup v2 directory, in Docker's stats shape as dockerd fills it
 * on a unified host: no per-CPU usage, no max_usage, memory.stat keys as the kernel names them, and io
 * entries with lower-case ops. Undefined when cpu.stat or memory.current cannot be read.
 */
export function readCgroupV2(files: CgroupV2Files, host: HostCounters, readAtMs: number, networks: Record<string, DockerNetworkStats> | undefined): DockerStatsJson | undefined {
  const cpu = files.parse('cpu.stat', parseKeyValueLines);
  const memoryUsage = files.parse('memory.current', parseSingleNumber);
  if (cpu.usage_usec === undefined || memoryUsage === undefined) return undefined;

  const serviceBytes: DockerBlkioEntry[] = [];
  const serviced: DockerBlkioEntry[] = [];
  for (const { major, minor, fields } of files.parse('io.stat', parseIoStatV2)) {
    serviceBytes.push({ major, minor, op: 'read', value: fields.rbytes ?? 0 }, { major, minor, op: 'write', value: fields.wbytes ?? 0 });
    serviced.push({ major, minor, op: 'read', value: fields.rios ?? 0 }, { major, minor, op: 'write', value: fields.wios ?? 0 });
  }
  // memory.max is "max" without a limit: Docker then reports the host's memory.
  const limit = files.parse('memory.max', parseSingleNumber);
  const pids = files.parse('pids.current', parseSingleNumber);
  const pidsLimit = files.parse('pids.max', parseSingleNumber);
  return {
    read: formatDockerTime(readAtMs),
    preread: DOCKER_ZERO_TIME,
    pids_stats: { ...optional('current', pids), ...optional('limit', pidsLimit) },
    blkio_stats: blkioStats(serviceBytes, serviced),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: {
      cpu_usage: {
        total_usage: cpu.usage_usec * 1000,
        usage_in_kernelmode: (cpu.system_usec ?? 0) * 1000,
        usage_in_usermode: (cpu.user_usec ?? 0) * 1000,
      },
      ...optional('system_cpu_usage', host.systemCpuUsage),
      online_cpus: host.onlineCpus,
      throttling_data: { periods: cpu.nr_periods ?? 0, throttled_periods: cpu.nr_throttled ?? 0, throttled_time: (cpu.throttled_usec ?? 0) * 1000 },
    },
    precpu_stats: emptyCpuStats(),
    memory_stats: {
      usage: memoryUsage,
      stats: files.parse('memory.stat', parseKeyValueLines),
      ...optional('limit', limit ?? host.memTotal),
    },
    ...(networks ? { networks } : {}),
  };
}
