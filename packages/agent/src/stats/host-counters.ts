import path from 'node:path';
import { HeldPseudoFiles } from './held-pseudo-files';
import { parseMemTotal, parseSystemCpuUsage } from './pseudo-file-parsers';

/** Host-wide figures Docker puts into every stats sample; read once per sampling tick. */
export interface HostCounters {
  /** /proc/stat CPU time in ns (Docker's system_cpu_usage). */
  readonly systemCpuUsage?: number;
  readonly onlineCpus: number;
  /** MemTotal in bytes: the memory limit Docker reports for an unlimited container. */
  readonly memTotal?: number;
}

export type HostCounterFiles = HeldPseudoFiles<'stat' | 'meminfo'>;

export function hostCounterFiles(procRoot: string): HostCounterFiles {
  return new HeldPseudoFiles({ stat: path.join(procRoot, 'stat'), meminfo: path.join(procRoot, 'meminfo') });
}

export function readHostCounters(files: HostCounterFiles, onlineCpus: number): HostCounters {
  return { systemCpuUsage: files.parse('stat', parseSystemCpuUsage), onlineCpus, memTotal: files.parse('meminfo', parseMemTotal) };
}
