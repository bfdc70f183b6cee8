// The Docker Engine API's stats JSON (GET /containers/<id>/stats, API 1.41), as the metadata
// endpoints serve it. Both readers produce this shape, so the endpoints and the TCS conversion see one
// format whichever way a sample was taken.

export interface DockerCpuStats {
  cpu_usage: {
    total_usage: number;
    /** cgroup v1 only. */
    percpu_usage?: number[];
    usage_in_kernelmode: number;
    usage_in_usermode: number;
  };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface DockerMemoryStats {
  usage?: number;
  /** cgroup v1 only. */
  max_usage?: number;
  stats?: Record<string, number>;
  limit?: number;
}

export interface DockerBlkioEntry {
  major: number;
  minor: number;
  /** "Read", "Write", ... on cgroup v1; "read", "write" on v2. */
  op: string;
  value: number;
}

export interface DockerBlkioStats {
  io_service_bytes_recursive: DockerBlkioEntry[] | null;
  io_serviced_recursive: DockerBlkioEntry[] | null;
  io_queue_recursive: DockerBlkioEntry[] | null;
  io_service_time_recursive: DockerBlkioEntry[] | null;
  io_wait_time_recursive: DockerBlkioEntry[] | null;
  io_merged_recursive: DockerBlkioEntry[] | null;
  io_time_recursive: DockerBlkioEntry[] | null;
  sectors_recursive: DockerBlkioEntry[] | null;
}

export interface DockerNetworkStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

export interface DockerStatsJson {
  /** RFC 3339 with nanoseconds. */
  read: string;
  preread: string;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: DockerBlkioStats;
  num_procs: number;
  storage_stats: Record<string, never>;
  cpu_stats: DockerCpuStats;
  precpu_stats: DockerCpuStats;
  memory_stats: DockerMemoryStats;
  name?: string;
  id?: string;
  /** Absent for host- and none-mode containers. */
  networks?: Record<string, DockerNetworkStats>;
}

/** Docker's zero time, which it sends as `preread` before a second sample exists. */
export const DOCKER_ZERO_TIME = '0001-01-01T00:00:00Z';

export function emptyCpuStats(): DockerCpuStats {
  return {
    cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

export function blkioStats(serviceBytes: DockerBlkioEntry[], serviced: DockerBlkioEntry[]): DockerBlkioStats {
  return {
    io_service_bytes_recursive: serviceBytes,
    io_serviced_recursive: serviced,
    io_queue_recursive: [],
    io_service_time_recursive: [],
    io_wait_time_recursive: [],
    io_merged_recursive: [],
    io_time_recursive: [],
    sectors_recursive: [],
  };
}

/**
 * Epoch milliseconds (fractional, so nanoseconds survive to about a quarter microsecond) of a Docker
 * RFC 3339 timestamp; undefined for anything else, including Docker's zero time.
 */
export function parseDockerTime(text: string): number | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!match) return undefined;
  const whole = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(whole) || whole <= 0) return undefined;
  return whole + Number(`0.${match[2] ?? '0'}`) * 1000;
}

/**
 * RFC 3339 in UTC with nanosecond digits, as Docker writes `read`. A double holds epoch milliseconds to
 * about a quarter microsecond, so the digits below the microsecond are written as zeros.
 */
export function formatDockerTime(epochMs: number): string {
  const wholeMs = Math.floor(epochMs);
  const nanos = Math.min(999, Math.round((epochMs - wholeMs) * 1e3)) * 1e3;
  const iso = new Date(wholeMs).toISOString(); // 2026-01-02T03:04:05.678Z
  return `${iso.slice(0, 23)}${String(nanos).padStart(6, '0')}Z`;
}

/** `{ key: value }` when the value is known, `{}` otherwise (Docker omits unknown fields). */
export function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}
