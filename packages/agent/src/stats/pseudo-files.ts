import { closeSync, openSync, readSync } from 'node:fs';

/** Shared read buffer: pseudo-files are small (memory.stat is about 1 KiB) and reads never interleave. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Reads a cgroup or proc file; undefined when it does not exist or cannot be read. Synchronous on
 * purpose: these are kernel pseudo-files that never wait on a disk, and open + one read(2) + close into a
 * reused buffer costs a fraction of readFileSync (which adds fstat, a second read for EOF and an
 * allocation) and far less than the thread-pool round trips of an async read.
 */
export function readPseudoFile(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (;;) {
      const read = readSync(fd, scratch, length, scratch.length - length, null);
      length += read;
      // The kernel fills a read as far as the content goes: a short read is the end of the file.
      if (read === 0 || length < scratch.length) break;
      const bigger = Buffer.allocUnsafe(scratch.length * 2);
      scratch.copy(bigger, 0, 0, length);
      scratch = bigger;
    }
    return scratch.toString('latin1', 0, length);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** A file holding one unsigned integer (e.g. `cpuacct.usage`); `max` reads as undefined. */
export function parseSingleNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** `key value` lines (memory.stat, cpu.stat, cpuacct.stat); lines that are not so are skipped. */
export function parseKeyValueLines(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (text === undefined) return out;
  for (const line of text.split('\n')) {
    const [key, value, extra] = line.trim().split(/\s+/);
    if (key && value !== undefined && extra === undefined && /^\d+$/.test(value)) out[key] = Number(value);
  }
  return out;
}

export interface InterfaceCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

/** /proc/<pid>/net/dev: counters per interface, loopback left out as Docker does. */
export function parseNetDev(text: string | undefined): Record<string, InterfaceCounters> | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, InterfaceCounters> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (name === 'lo' || name === '' || fields.length < 16 || fields.some(Number.isNaN)) continue;
    const f = (i: number) => fields[i]!;
    out[name] = { rxBytes: f(0), rxPackets: f(1), rxErrors: f(2), rxDropped: f(3), txBytes: f(8), txPackets: f(9), txErrors: f(10), txDropped: f(11) };
  }
  return out;
}

/** Clock ticks per second of /proc/stat and cpuacct.stat (USER_HZ; 100 on every Linux ABI Docker runs on). */
export const USER_HZ = 100;
const NS_PER_TICK = 1e9 / USER_HZ;

/** /proc/stat: host CPU time in ns (user through steal), as Docker's system_cpu_usage. */
export function parseSystemCpuUsage(text: string | undefined): number | undefined {
  const line = text?.split('\n', 1)[0];
  if (!line?.startsWith('cpu ')) return undefined;
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 7 || ticks.some(Number.isNaN)) return undefined;
  return ticks.reduce((sum, value) => sum + value, 0) * NS_PER_TICK;
}

/** cpuacct.stat ticks to nanoseconds. */
export function ticksToNs(ticks: number | undefined): number {
  return (ticks ?? 0) * NS_PER_TICK;
}

/** /proc/meminfo MemTotal in bytes. */
export function parseMemTotal(text: string | undefined): number | undefined {
  const match = text && /^MemTotal:\s+(\d+) kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

export interface BlkioLine {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** cgroup v1 `blkio.*_recursive`: `8:0 Read 4096` lines; the device-less `Total` line is skipped. */
export function parseBlkioV1(text: string | undefined): BlkioLine[] {
  const out: BlkioLine[] = [];
  for (const line of text?.split('\n') ?? []) {
    const match = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (match) out.push({ major: Number(match[1]), minor: Number(match[2]), op: match[3]!, value: Number(match[4]) });
  }
  return out;
}

/** cgroup v2 `io.stat`: `8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0` per device. */
export function parseIoStatV2(text: string | undefined): { major: number; minor: number; fields: Record<string, number> }[] {
  const out: { major: number; minor: number; fields: Record<string, number> }[] = [];
  for (const line of text?.split('\n') ?? []) {
    const [device, ...pairs] = line.trim().split(/\s+/);
    const match = device && /^(\d+):(\d+)$/.exec(device);
    if (!match) continue;
    const fields: Record<string, number> = {};
    for (const pair of pairs) {
      const [key, value] = pair.split('=');
      if (key && value && /^\d+$/.test(value)) fields[key] = Number(value);
    }
    out.push({ major: Number(match[1]), minor: Number(match[2]), fields });
  }
  return out;
}
