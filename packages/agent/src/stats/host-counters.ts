import path from 'node:path';
import { parseMemTotal, parseSystemCpuUsage, readPseudoFile } from './pseudo-files';

/** Host-wide figures Docker puts into every stats sample; read once per sampling tick. */
export interface HostCounters {
  /** /proc/stat CPU time in ns (Docker's system_cpu_usage). */
  readonly systemCpuUsage?: number;
  readonly onlineCpus: number;
  /** MemTotal in bytes: the memory limit Docker reports for an unlimited container. */
  readonly memTotal?: number;
}

export function readHostCounters(procRoot: string, onlineCpus: number): HostCounters {
  return {
    systemCpuUsage: parseSystemCpuUsage(readPseudoFile(path.join(procRoot, 'stat'))),
    onlineCpus,
    memTotal: parseMemTotal(readPseudoFile(path.join(procRoot, 'meminfo'))),
  };
}
