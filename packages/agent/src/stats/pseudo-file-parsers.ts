// Parsers of cgroup and proc pseudo-files working on the bytes as read: no text decoding, split, regex
// or trim per sample, only the numbers and the (interned) names the stats JSON carries.
import type { NetworkCounters } from './container-sample';

const TAB = 9;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const COLON = 58;
const EQUALS = 61;
const ZERO = 48;
const NINE = 57;

/** Blanks inside a line: space, tab, vertical tab, form feed, carriage return. */
function isBlank(byte: number): boolean {
  return byte === SPACE || (byte >= TAB && byte <= CARRIAGE_RETURN && byte !== NEWLINE);
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE;
}

/** [A-Za-z0-9_], a regex `\w`. */
function isWordByte(byte: number): boolean {
  return isDigit(byte) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte === 95;
}

function endOfLine(bytes: Buffer, at: number): number {
  while (at < bytes.length && bytes[at] !== NEWLINE) at++;
  return at;
}

function skipBlanks(bytes: Buffer, at: number, end: number): number {
  while (at < end && isBlank(bytes[at]!)) at++;
  return at;
}

function endOfToken(bytes: Buffer, at: number, end: number): number {
  while (at < end && !isBlank(bytes[at]!)) at++;
  return at;
}

/** Where the line's content ends once trailing blanks are dropped. */
function trimEnd(bytes: Buffer, start: number, end: number): number {
  while (end > start && isBlank(bytes[end - 1]!)) end--;
  return end;
}

function endOfDigits(bytes: Buffer, at: number, end: number): number {
  while (at < end && isDigit(bytes[at]!)) at++;
  return at;
}

function allDigits(bytes: Buffer, start: number, end: number): boolean {
  return end > start && endOfDigits(bytes, start, end) === end;
}

/**
 * The decimal digits at [start, end). Up to 15 digits the sum is exact in a double; longer ones
 * (memory.limit_in_bytes without a limit is 19 digits) go through Number, which rounds as before.
 */
function decimal(bytes: Buffer, start: number, end: number): number {
  if (end - start > 15) return Number(bytes.toString('latin1', start, end));
  let value = 0;
  for (let at = start; at < end; at++) value = value * 10 + (bytes[at]! - ZERO);
  return value;
}

const MAX_INTERNED = 4096;
const interned = new Map<number, string>();

/**
 * The text at [start, end), the same string object every time the same bytes come back: memory.stat
 * alone has some 40 keys per sample, and the names a kernel prints are a small fixed set.
 */
export function internLatin1(bytes: Buffer, start: number, end: number): string {
  let hash = 0x811c9dc5; // FNV-1a
  for (let at = start; at < end; at++) hash = Math.imul(hash ^ bytes[at]!, 0x01000193);
  const known = interned.get(hash);
  if (known !== undefined && known.length === end - start) {
    let same = true;
    for (let index = 0; same && index < known.length; index++) same = known.charCodeAt(index) === bytes[start + index];
    if (same) return known;
  }
  const text = bytes.toString('latin1', start, end);
  if (known !== undefined || interned.size < MAX_INTERNED) interned.set(hash, text);
  return text;
}

/** A file holding one unsigned integer (e.g. `cpuacct.usage`); `max` reads as undefined. */
export function parseSingleNumber(bytes: Buffer | undefined): number | undefined {
  if (bytes === undefined) return undefined;
  let start = 0;
  while (start < bytes.length && (isBlank(bytes[start]!) || bytes[start] === NEWLINE)) start++;
  let end = bytes.length;
  while (end > start && (isBlank(bytes[end - 1]!) || bytes[end - 1] === NEWLINE)) end--;
  return allDigits(bytes, start, end) ? decimal(bytes, start, end) : undefined;
}

/** Blank-separated unsigned integers (cpuacct.usage_percpu); undefined if any is not one, or there are none. */
export function parseNumberList(bytes: Buffer | undefined): number[] | undefined {
  if (bytes === undefined) return undefined;
  const out: number[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (isBlank(bytes[at]!) || bytes[at] === NEWLINE) {
      at++;
      continue;
    }
    let end = at;
    while (end < bytes.length && !isBlank(bytes[end]!) && bytes[end] !== NEWLINE) end++;
    if (!allDigits(bytes, at, end)) return undefined;
    out.push(decimal(bytes, at, end));
    at = end;
  }
  return out.length > 0 ? out : undefined;
}

/** `key value` lines (memory.stat, cpu.stat, cpuacct.stat); lines that are not exactly so are skipped. */
export function parseKeyValueLines(bytes: Buffer | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (bytes === undefined) return out;
  for (let line = 0; line < bytes.length; ) {
    const lineEnd = endOfLine(bytes, line);
    const keyStart = skipBlanks(bytes, line, lineEnd);
    const keyEnd = endOfToken(bytes, keyStart, lineEnd);
    const valueStart = skipBlanks(bytes, keyEnd, lineEnd);
    const valueEnd = endOfToken(bytes, valueStart, lineEnd);
    if (keyEnd > keyStart && skipBlanks(bytes, valueEnd, lineEnd) === lineEnd && allDigits(bytes, valueStart, valueEnd)) {
      out[internLatin1(bytes, keyStart, keyEnd)] = decimal(bytes, valueStart, valueEnd);
    }
    line = lineEnd + 1;
  }
  return out;
}

const NET_DEV_FIELDS = 16;
const netDevFields = new Float64Array(NET_DEV_FIELDS);

/** /proc/<pid>/net/dev: counters per interface, loopback left out as Docker does. */
export function parseNetDev(bytes: Buffer | undefined): Record<string, NetworkCounters> | undefined {
  if (bytes === undefined) return undefined;
  const out: Record<string, NetworkCounters> = {};
  for (let line = 0; line < bytes.length; ) {
    const lineEnd = endOfLine(bytes, line);
    const next = lineEnd + 1;
    let colon = line;
    while (colon < lineEnd && bytes[colon] !== COLON) colon++;
    const nameStart = skipBlanks(bytes, line, colon);
    const nameEnd = trimEnd(bytes, nameStart, colon);
    if (colon === lineEnd || nameEnd === nameStart || (nameEnd - nameStart === 2 && bytes[nameStart] === 108 && bytes[nameStart + 1] === 111)) {
      line = next; // a header, a nameless line or lo
      continue;
    }
    let count = 0;
    let valid = true;
    for (let at = skipBlanks(bytes, colon + 1, lineEnd); valid && at < lineEnd; at = skipBlanks(bytes, at, lineEnd)) {
      const end = endOfToken(bytes, at, lineEnd);
      valid = allDigits(bytes, at, end);
      if (valid && count < NET_DEV_FIELDS) netDevFields[count] = decimal(bytes, at, end);
      count++;
      at = end;
    }
    if (valid && count >= NET_DEV_FIELDS) {
      const f = netDevFields;
      out[internLatin1(bytes, nameStart, nameEnd)] = { rxBytes: f[0]!, rxPackets: f[1]!, rxErrors: f[2]!, rxDropped: f[3]!, txBytes: f[8]!, txPackets: f[9]!, txErrors: f[10]!, txDropped: f[11]! };
    }
    line = next;
  }
  return out;
}

/** Clock ticks per second of /proc/stat and cpuacct.stat (USER_HZ; 100 on every Linux ABI Docker runs on). */
export const USER_HZ = 100;
const NS_PER_TICK = 1e9 / USER_HZ;

/** /proc/stat: host CPU time in ns (user through steal), as Docker's system_cpu_usage. */
export function parseSystemCpuUsage(bytes: Buffer | undefined): number | undefined {
  if (bytes === undefined || bytes.length < 4 || bytes[0] !== 99 || bytes[1] !== 112 || bytes[2] !== 117 || bytes[3] !== SPACE) return undefined; // "cpu "
  const lineEnd = endOfLine(bytes, 0);
  let ticks = 0;
  let count = 0;
  for (let at = skipBlanks(bytes, 4, lineEnd); count < 8 && at < lineEnd; at = skipBlanks(bytes, at, lineEnd)) {
    const end = endOfToken(bytes, at, lineEnd);
    if (!allDigits(bytes, at, end)) return undefined;
    ticks += decimal(bytes, at, end);
    count++;
    at = end;
  }
  return count < 7 ? undefined : ticks * NS_PER_TICK;
}

/** cpuacct.stat ticks to nanoseconds. */
export function ticksToNs(ticks: number | undefined): number {
  return (ticks ?? 0) * NS_PER_TICK;
}

const MEM_TOTAL = Buffer.from('MemTotal:', 'latin1');
const KB_SUFFIX = Buffer.from(' kB', 'latin1');

/** /proc/meminfo MemTotal in bytes. */
export function parseMemTotal(bytes: Buffer | undefined): number | undefined {
  if (bytes === undefined) return undefined;
  for (let line = 0; line < bytes.length; line = endOfLine(bytes, line) + 1) {
    if (!startsWith(bytes, line, MEM_TOTAL)) continue;
    const lineEnd = endOfLine(bytes, line);
    const digits = skipBlanks(bytes, line + MEM_TOTAL.length, lineEnd);
    const digitsEnd = endOfDigits(bytes, digits, lineEnd);
    if (digits === line + MEM_TOTAL.length || digitsEnd === digits || !startsWith(bytes, digitsEnd, KB_SUFFIX)) continue;
    return decimal(bytes, digits, digitsEnd) * 1024;
  }
  return undefined;
}

function startsWith(bytes: Buffer, at: number, prefix: Buffer): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let index = 0; index < prefix.length; index++) if (bytes[at + index] !== prefix[index]) return false;
  return true;
}

export interface BlkioLine {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** cgroup v1 `blkio.*_recursive`: `8:0 Read 4096` lines; the device-less `Total` line is skipped. */
export function parseBlkioV1(bytes: Buffer | undefined): BlkioLine[] {
  const out: BlkioLine[] = [];
  if (bytes === undefined) return out;
  for (let line = 0; line < bytes.length; ) {
    const lineEnd = endOfLine(bytes, line);
    const start = skipBlanks(bytes, line, lineEnd);
    const end = trimEnd(bytes, start, lineEnd);
    line = lineEnd + 1;
    // major:minor op value, single spaces, as the kernel prints them.
    const majorEnd = endOfDigits(bytes, start, end);
    if (majorEnd === start || bytes[majorEnd] !== COLON) continue;
    const minorEnd = endOfDigits(bytes, majorEnd + 1, end);
    if (minorEnd === majorEnd + 1 || bytes[minorEnd] !== SPACE) continue;
    let opEnd = minorEnd + 1;
    while (opEnd < end && isWordByte(bytes[opEnd]!)) opEnd++;
    if (opEnd === minorEnd + 1 || bytes[opEnd] !== SPACE || !allDigits(bytes, opEnd + 1, end)) continue;
    out.push({ major: decimal(bytes, start, majorEnd), minor: decimal(bytes, majorEnd + 1, minorEnd), op: internLatin1(bytes, minorEnd + 1, opEnd), value: decimal(bytes, opEnd + 1, end) });
  }
  return out;
}

export interface IoStatLine {
  major: number;
  minor: number;
  fields: Record<string, number>;
}

/** cgroup v2 `io.stat`: `8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0` per device. */
export function parseIoStatV2(bytes: Buffer | undefined): IoStatLine[] {
  const out: IoStatLine[] = [];
  if (bytes === undefined) return out;
  for (let line = 0; line < bytes.length; ) {
    const lineEnd = endOfLine(bytes, line);
    const start = skipBlanks(bytes, line, lineEnd);
    const deviceEnd = endOfToken(bytes, start, lineEnd);
    line = lineEnd + 1;
    const majorEnd = endOfDigits(bytes, start, deviceEnd);
    if (majorEnd === start || bytes[majorEnd] !== COLON || !allDigits(bytes, majorEnd + 1, deviceEnd)) continue;
    const fields: Record<string, number> = {};
    for (let at = skipBlanks(bytes, deviceEnd, lineEnd); at < lineEnd; at = skipBlanks(bytes, at, lineEnd)) {
      const end = endOfToken(bytes, at, lineEnd);
      let equals = at;
      while (equals < end && bytes[equals] !== EQUALS) equals++;
      let valueEnd = equals + 1;
      while (valueEnd < end && bytes[valueEnd] !== EQUALS) valueEnd++;
      if (equals > at && equals < end && allDigits(bytes, equals + 1, valueEnd)) fields[internLatin1(bytes, at, equals)] = decimal(bytes, equals + 1, valueEnd);
      at = end;
    }
    out.push({ major: decimal(bytes, start, majorEnd), minor: decimal(bytes, majorEnd + 1, deviceEnd), fields });
  }
  return out;
}
