import type { CWStatsSet, NetworkStatsSet, StorageStatsSet, UDoubleCWStatsSet, ULongStatsSet } from '../wire';
import type { ContainerSample, NetworkCounters } from './container-sample';

const BYTES_PER_MIB = 1024 * 1024;
/** Upstream logs CPU percentages above this as impossible (the sample is kept). */
export const MAX_CPU_PERCENT = 1024 * 1024;

interface QueuedSample {
  readonly sample: ContainerSample;
  /** 100 × Δcpu / Δt; NaN for the first sample. float32, as upstream computes it. */
  readonly cpuPercent: number;
  readonly memoryMiB: number;
  readonly rxBytesPerSecond: number;
  readonly txBytesPerSecond: number;
  sent: boolean;
}

export interface AddResult {
  /** The computed CPU percentage was above MAX_CPU_PERCENT (logged by the caller). */
  readonly implausibleCpuPercent?: number;
  /** Two samples carried the same timestamp: the previous rates were copied. */
  readonly duplicateTimestamp?: boolean;
}

/**
 * One container's recent samples (upstream's stats Queue): a ring of `capacity` samples with CPU% and
 * network rates derived from consecutive samples, aggregated into CloudWatch-style sets over the samples
 * not yet published. Every set needs at least two samples in the ring.
 */
export class StatsQueue {
  readonly #buffer: QueuedSample[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new Error(`stats queue capacity: expected an integer of at least 2, got ${capacity}`);
  }

  get length(): number {
    return this.#buffer.length;
  }

  add(sample: ContainerSample): AddResult {
    const last = this.#buffer.at(-1);
    let cpuPercent = Number.NaN;
    let rxBytesPerSecond = 0;
    let txBytesPerSecond = 0;
    const result: { implausibleCpuPercent?: number; duplicateTimestamp?: boolean } = {};
    if (last) {
      const elapsedNs = (sample.timestampMs - last.sample.timestampMs) * 1e6;
      if (elapsedNs <= 0) {
        result.duplicateTimestamp = true;
        cpuPercent = last.cpuPercent;
        rxBytesPerSecond = last.rxBytesPerSecond;
        txBytesPerSecond = last.txBytesPerSecond;
      } else {
        const cpuNs = sample.cpuUsageNs - last.sample.cpuUsageNs;
        // A counter that went backwards (container restarted in place) has no meaningful rate.
        cpuPercent = cpuNs >= 0 ? Math.fround((100 * cpuNs) / elapsedNs) : Number.NaN;
        if (sample.network) {
          rxBytesPerSecond = rate(sample.network.rxBytes - (last.sample.network?.rxBytes ?? 0), elapsedNs);
          txBytesPerSecond = rate(sample.network.txBytes - (last.sample.network?.txBytes ?? 0), elapsedNs);
        }
      }
      if (cpuPercent > MAX_CPU_PERCENT) result.implausibleCpuPercent = cpuPercent;
      if (this.#buffer.length >= this.capacity) this.#buffer.shift();
    }
    this.#buffer.push({ sample, cpuPercent, memoryMiB: Math.floor(sample.memoryBytes / BYTES_PER_MIB), rxBytesPerSecond, txBytesPerSecond, sent: false });
    return result;
  }

  /** After a successful collection: the next window aggregates only newer samples. */
  markSent(): void {
    for (const entry of this.#buffer) entry.sent = true;
  }

  /** Percent of all host cores. */
  cpuStatsSet(): CWStatsSet | undefined {
    return this.doubleSet((entry) => entry.cpuPercent);
  }

  /** Whole MiB without the page cache. */
  memoryStatsSet(): CWStatsSet | undefined {
    return this.doubleSet((entry) => entry.memoryMiB);
  }

  storageStatsSet(): StorageStatsSet | undefined {
    const readSizeBytes = this.longSet((entry) => entry.sample.storageReadBytes);
    const writeSizeBytes = this.longSet((entry) => entry.sample.storageWriteBytes);
    return readSizeBytes && writeSizeBytes ? { readSizeBytes, writeSizeBytes } : undefined;
  }

  /** Cumulative counters as sets of their sampled values; bytes per second as rate sets. */
  networkStatsSet(): NetworkStatsSet | undefined {
    if (!this.#buffer.some((entry) => !entry.sent && entry.sample.network)) return undefined;
    const counter = (key: keyof NetworkCounters) => this.longSet((entry) => entry.sample.network?.[key] ?? 0);
    const rxBytes = counter('rxBytes');
    const rxBytesPerSecond = this.doubleSet((entry) => entry.rxBytesPerSecond);
    const txBytesPerSecond = this.doubleSet((entry) => entry.txBytesPerSecond);
    if (!rxBytes || !rxBytesPerSecond || !txBytesPerSecond) return undefined;
    return {
      rxBytes,
      rxDropped: counter('rxDropped'),
      rxErrors: counter('rxErrors'),
      rxPackets: counter('rxPackets'),
      txBytes: counter('txBytes'),
      txDropped: counter('txDropped'),
      txErrors: counter('txErrors'),
      txPackets: counter('txPackets'),
      rxBytesPerSecond,
      txBytesPerSecond,
    };
  }

  /** The latest network rates (v4 `network_rate_stats`), once two samples exist. */
  lastNetworkRates(): { rxBytesPerSecond: number; txBytesPerSecond: number } | undefined {
    const last = this.#buffer.at(-1);
    return last && this.#buffer.length >= 2 && last.sample.network ? { rxBytesPerSecond: last.rxBytesPerSecond, txBytesPerSecond: last.txBytesPerSecond } : undefined;
  }

  private doubleSet(value: (entry: QueuedSample) => number): UDoubleCWStatsSet | undefined {
    if (this.#buffer.length < 2) return undefined;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    let sampleCount = 0;
    for (const entry of this.#buffer) {
      const v = entry.sent ? Number.NaN : value(entry);
      if (Number.isNaN(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sampleCount++;
    }
    return sampleCount === 0 ? undefined : { min, max, sampleCount, sum };
  }

  /**
   * int64 sets. Upstream splits values above MaxInt64 into overflow fields; a JS number is exact only
   * to 2^53 (9 PB of cumulative bytes summed over one window), so overflow is always 0 here.
   */
  private longSet(value: (entry: QueuedSample) => number): ULongStatsSet | undefined {
    const set = this.doubleSet(value);
    return set && { ...set, overflowMin: 0, overflowMax: 0, overflowSum: 0 };
  }
}

function rate(bytes: number, elapsedNs: number): number {
  return bytes >= 0 ? Math.fround((1e9 * bytes) / elapsedNs) : 0;
}
