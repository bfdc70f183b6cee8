import type { ContainerSample } from './container-sample';
import { StatsQueue } from './stats-queue';

const MiB = 1024 * 1024;
const T0 = Date.UTC(2021, 1, 19, 18, 0, 0);

/** A recorded-style sequence: one sample a second, cumulative CPU ns per core, memory in bytes. */
function sample(second: number, cpuUsageNs: number, memoryBytes: number, extra: Partial<ContainerSample> = {}): ContainerSample {
  return { timestampMs: T0 + second * 1000, cpuUsageNs, memoryBytes, storageReadBytes: 0, storageWriteBytes: 0, ...extra };
}

describe('StatsQueue CloudWatch sets', () => {
  it('derives CPU% from consecutive samples and aggregates min/max/sum/count, skipping the first NaN', () => {
    const queue = new StatsQueue(80);
    queue.add(sample(0, 0, 100.5 * MiB));
    queue.add(sample(1, 500_000_000, 101 * MiB)); // 0.5 s of CPU in 1 s: 50%
    queue.add(sample(2, 750_000_000, 99 * MiB)); // 25%
    queue.add(sample(3, 1_000_000_000, 102.9 * MiB)); // 25%; 102.9 MiB counts as 102
    // CPU: 50 + 25 + 25 over three rated samples.
    expect(queue.cpuStatsSet()).toEqual({ min: 25, max: 50, sum: 100, sampleCount: 3 });
    // Memory in whole MiB: 100 + 101 + 99 + 102.
    expect(queue.memoryStatsSet()).toEqual({ min: 99, max: 102, sum: 402, sampleCount: 4 });
  });

  it('aggregates only samples added since the last collection', () => {
    const queue = new StatsQueue(80);
    queue.add(sample(0, 0, 10 * MiB));
    queue.add(sample(1, 1_000_000_000, 10 * MiB));
    queue.markSent();
    expect(queue.cpuStatsSet()).toBeUndefined();
    queue.add(sample(3, 1_250_000_000, 50 * MiB)); // 0.25 s over 2 s: 12.5%
    expect(queue.cpuStatsSet()).toEqual({ min: 12.5, max: 12.5, sum: 12.5, sampleCount: 1 });
    expect(queue.memoryStatsSet()).toEqual({ min: 50, max: 50, sum: 50, sampleCount: 1 });
  });

  it('needs two samples in the ring before any set exists', () => {
    const queue = new StatsQueue(80);
    queue.add(sample(0, 0, 10 * MiB));
    expect(queue.memoryStatsSet()).toBeUndefined();
    expect(queue.storageStatsSet()).toBeUndefined();
  });

  it('drops the oldest sample once the ring is full', () => {
    const queue = new StatsQueue(3);
    [1, 2, 3, 4].forEach((mib, second) => queue.add(sample(second, 0, mib * MiB)));
    expect(queue.length).toBe(3);
    expect(queue.memoryStatsSet()).toEqual({ min: 2, max: 4, sum: 9, sampleCount: 3 });
  });

  it('copies the previous rate for a duplicate timestamp and treats a CPU counter going back as no rate', () => {
    const queue = new StatsQueue(80);
    queue.add(sample(0, 0, 0));
    queue.add(sample(1, 750_000_000, 0)); // 75%
    expect(queue.add(sample(1, 900_000_000, 0))).toEqual({ duplicateTimestamp: true }); // copies 75%
    queue.add(sample(2, 100, 0)); // went back: skipped
    expect(queue.cpuStatsSet()).toEqual({ min: 75, max: 75, sum: 150, sampleCount: 2 });
  });

  it('flags CPU above the backend maximum but keeps it', () => {
    const queue = new StatsQueue(80);
    queue.add(sample(0, 0, 0));
    // 20,000 s of CPU per core in 1 s: 2,000,000%.
    expect(queue.add(sample(1, 20_000e9, 0)).implausibleCpuPercent).toBe(2_000_000);
    expect(queue.cpuStatsSet()?.max).toBe(2_000_000);
  });

  it('sends storage as sets of the cumulative byte counters', () => {
    const queue = new StatsQueue(80);
    queue.add(sample(0, 0, 0, { storageReadBytes: 0, storageWriteBytes: 512 }));
    queue.add(sample(1, 0, 0, { storageReadBytes: 4096, storageWriteBytes: 512 }));
    queue.add(sample(2, 0, 0, { storageReadBytes: 8192, storageWriteBytes: 1024 }));
    const zero = { overflowMin: 0, overflowMax: 0, overflowSum: 0 };
    expect(queue.storageStatsSet()).toEqual({
      readSizeBytes: { min: 0, max: 8192, sum: 12288, sampleCount: 3, ...zero },
      writeSizeBytes: { min: 512, max: 1024, sum: 2048, sampleCount: 3, ...zero },
    });
  });

  it('sends network counters and bytes-per-second rates (the first rate is 0, as upstream)', () => {
    const net = (rxBytes: number, txBytes: number) => ({ rxBytes, rxPackets: rxBytes / 100, rxErrors: 0, rxDropped: 1, txBytes, txPackets: txBytes / 100, txErrors: 0, txDropped: 0 });
    const queue = new StatsQueue(80);
    queue.add(sample(0, 0, 0, { network: net(1000, 0) }));
    queue.add(sample(1, 0, 0, { network: net(3000, 500) })); // 2000 B/s in, 500 B/s out
    queue.add(sample(3, 0, 0, { network: net(4000, 1500) })); // 500 B/s in, 500 B/s out over 2 s
    const set = queue.networkStatsSet()!;
    expect(set.rxBytes).toMatchObject({ min: 1000, max: 4000, sum: 8000, sampleCount: 3 });
    expect(set.rxPackets).toMatchObject({ min: 10, max: 40, sum: 80, sampleCount: 3 });
    expect(set.rxDropped).toMatchObject({ min: 1, max: 1, sum: 3, sampleCount: 3 });
    expect(set.txBytes).toMatchObject({ min: 0, max: 1500, sum: 2000, sampleCount: 3 });
    expect(set.rxBytesPerSecond).toEqual({ min: 0, max: 2000, sum: 2500, sampleCount: 3 });
    expect(set.txBytesPerSecond).toEqual({ min: 0, max: 500, sum: 1000, sampleCount: 3 });
    expect(queue.lastNetworkRates()).toEqual({ rxBytesPerSecond: 500, txBytesPerSecond: 500 });
  });

  it('has no network set for samples without network counters', () => {
    const queue = new StatsQueue(80);
    queue.add(sample(0, 0, 0));
    queue.add(sample(1, 0, 0));
    expect(queue.networkStatsSet()).toBeUndefined();
    expect(queue.lastNetworkRates()).toBeUndefined();
  });

  it('rejects a ring that cannot hold two samples', () => {
    expect(() => new StatsQueue(1)).toThrow('stats queue capacity: expected an integer of at least 2, got 1');
  });
});
