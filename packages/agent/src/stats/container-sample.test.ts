import { toContainerSample } from './container-sample';
import { blkioStats, emptyCpuStats, formatDockerTime, parseDockerTime, type DockerStatsJson } from './docker-stats-json';

/** Trimmed from a sample dockerd 20.10 returned on this cgroup v1 host. */
const V1_SAMPLE: DockerStatsJson = {
  read: '2026-11-23T16:24:41.299975106Z',
  preread: '2026-11-23T16:24:40.261509836Z',
  pids_stats: { current: 1 },
  blkio_stats: blkioStats(
    [
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 12288 },
      { major: 8, minor: 16, op: 'Write', value: 100 },
      { major: 8, minor: 0, op: 'Total', value: 16384 },
    ],
    [],
  ),
  num_procs: 0,
  storage_stats: {},
  cpu_stats: {
    cpu_usage: { total_usage: 3744201559, percpu_usage: [293205370, 3450996189], usage_in_kernelmode: 80000000, usage_in_usermode: 3650000000 },
    system_cpu_usage: 3776720000000,
    online_cpus: 2,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  },
  precpu_stats: emptyCpuStats(),
  memory_stats: { usage: 360448, max_usage: 3981312, stats: { cache: 98304, rss: 61440, inactive_file: 4096 }, limit: 25276026880 },
  networks: {
    eth0: { rx_bytes: 806, rx_packets: 9, rx_errors: 0, rx_dropped: 0, tx_bytes: 10, tx_packets: 1, tx_errors: 0, tx_dropped: 0 },
    eth1: { rx_bytes: 194, rx_packets: 1, rx_errors: 2, rx_dropped: 3, tx_bytes: 0, tx_packets: 0, tx_errors: 0, tx_dropped: 5 },
  },
};

describe('toContainerSample (upstream conversion)', () => {
  it('divides CPU by the host cores, subtracts the v1 cache, sums Read/Write and every interface', () => {
    expect(toContainerSample(V1_SAMPLE, 2)).toEqual({
      timestampMs: Date.UTC(2026, 10, 23, 16, 24, 41) + 299.975106,
      cpuUsageNs: 3744201559 / 2,
      memoryBytes: 360448 - 98304,
      storageReadBytes: 4096,
      storageWriteBytes: 12388,
      network: { rxBytes: 1000, rxPackets: 10, rxErrors: 2, rxDropped: 3, txBytes: 10, txPackets: 1, txErrors: 0, txDropped: 5 },
    });
  });

  it('subtracts inactive_file on cgroup v2 (no cache key), reads lower-case io ops, and has no network without networks', () => {
    const v2: DockerStatsJson = {
      ...V1_SAMPLE,
      cpu_stats: { ...V1_SAMPLE.cpu_stats, cpu_usage: { total_usage: 4000, usage_in_kernelmode: 0, usage_in_usermode: 0 } },
      memory_stats: { usage: 10_000, stats: { anon: 6000, file: 4000, inactive_file: 3000 } },
      blkio_stats: blkioStats([{ major: 8, minor: 0, op: 'read', value: 7 }, { major: 8, minor: 0, op: 'write', value: 9 }], []),
    };
    delete v2.networks;
    expect(toContainerSample(v2, 4)).toMatchObject({ cpuUsageNs: 1000, memoryBytes: 7000, storageReadBytes: 7, storageWriteBytes: 9 });
    expect(toContainerSample(v2, 4)).not.toHaveProperty('network');
  });

  it('never reports memory below zero when the cache exceeds usage', () => {
    const sample = toContainerSample({ ...V1_SAMPLE, memory_stats: { usage: 100, stats: { cache: 500 } } }, 2);
    expect(sample).toMatchObject({ memoryBytes: 100 });
  });

  it('rejects the zeroed sample of a stopped container and a bad timestamp, with the reason', () => {
    expect(toContainerSample({ ...V1_SAMPLE, cpu_stats: { ...emptyCpuStats(), online_cpus: 0 } }, 2)).toBe(
      'cpu_stats: no per-CPU usage and no online CPUs (container not running)',
    );
    expect(toContainerSample({ ...V1_SAMPLE, read: 'yesterday' }, 2)).toBe('read: expected an RFC 3339 time, got "yesterday"');
  });
});

describe('Docker timestamps', () => {
  it('keeps sub-millisecond digits both ways and treats the zero time as absent', () => {
    const ms = parseDockerTime('2021-02-19T18:00:00.123456789Z')!;
    expect(ms - Date.UTC(2021, 1, 19, 18, 0, 0)).toBeCloseTo(123.456789, 5);
    expect(formatDockerTime(Date.UTC(2021, 1, 19, 18, 0, 0) + 123.25)).toBe('2021-02-19T18:00:00.123250000Z');
    expect(formatDockerTime(Date.UTC(2021, 1, 19, 18, 0, 0) + 7)).toBe('2021-02-19T18:00:00.007000000Z');
    expect(parseDockerTime('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(parseDockerTime('2021-02-19T20:00:00+02:00')).toBe(Date.UTC(2021, 1, 19, 18, 0, 0));
  });
});
