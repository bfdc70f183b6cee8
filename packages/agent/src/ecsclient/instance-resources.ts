import type { AgentConfig } from '../config';
import type { Resource } from '../wire';

/** What the host offers before reservations. */
export interface HostCapacity {
  readonly cpuCount: number;
  /** MemTotal of /proc/meminfo, in MiB. */
  readonly memoryMiB: number;
}

/**
 * The four resources upstream registers, in its order: CPU (cores × 1024), MEMORY (MiB minus
 * ECS_RESERVED_MEMORY), PORTS and PORTS_UDP (the reserved ports, as strings).
 */
export function instanceResources(config: AgentConfig, host: HostCapacity): Resource[] {
  const memory = host.memoryMiB - config.resources.reservedMemoryMiB;
  if (memory <= 0) {
    throw new Error(`ECS_RESERVED_MEMORY=${config.resources.reservedMemoryMiB}: reserves all of the host's ${host.memoryMiB} MiB of memory`);
  }
  return [
    { name: 'CPU', type: 'INTEGER', integerValue: host.cpuCount * 1024 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: memory },
    { name: 'PORTS', type: 'STRINGSET', stringSetValue: config.resources.reservedPorts.map(String) },
    { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: config.resources.reservedPortsUdp.map(String) },
  ];
}
