import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = 100;

/**
 * CPU seconds (user + system) used so far by every process whose command name is one of `names`
 * (e.g. dockerd, containerd, containerd-shim), read from /proc/<pid>/stat.
 */
export function cpuSecondsOf(names: readonly string[]): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      if (!names.includes(stat.slice(open + 1, close))) continue;
      const fields = stat.slice(close + 2).split(' ');
      // Fields after the name start at state (3rd field); utime and stime are the 14th and 15th.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process exited while we listed.
    }
  }
  return ticks / CLOCK_TICKS;
}

/** This process's CPU seconds so far. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
