// Where a task can run: an ACTIVE container instance with enough unreserved CPU, memory and GPUs and
// none of the task's fixed host ports in use. Instances are tried in registration order and the
// first that fits wins, which packs tasks onto as few instances as possible.
import type { Container, ContainerDefinition, ContainerOverride, EcsJson, Resource, TaskDefinition, TaskOverride } from '@fractal-ecs/agent/wire';
import { taskCpuUnits, taskMemoryMiB } from '../render/acs-task';

export interface Requirements {
  cpu: number;
  memory: number;
  tcpPorts: number[];
  udpPorts: number[];
  /** GPUs each container asks for (resourceRequirements type GPU), by container name; only those asking. */
  gpus: Record<string, number>;
  /** The GPU IDs a placed task was given (its containers' gpuIds). */
  gpuIds: string[];
}

export interface Capacity {
  cpu: number;
  memory: number;
  tcpPorts: Set<number>;
  udpPorts: Set<number>;
  /** Free GPU IDs, in the order the instance registered them. */
  gpus: string[];
}

export type PlacementFailure = 'RESOURCE:CPU' | 'RESOURCE:MEMORY' | 'RESOURCE:PORTS' | 'RESOURCE:PORTS_UDP' | 'RESOURCE:GPU';

/** What a task takes from an instance while it is not STOPPED; `placed` are its containers once placed. */
export function taskRequirements(definition: EcsJson<TaskDefinition>, overrides?: EcsJson<TaskOverride>, placed?: EcsJson<Container>[]): Requirements {
  const containerOverrides = new Map((overrides?.containerOverrides ?? []).map((o) => [o.name, o]));
  const containers = definition.containerDefinitions ?? [];
  const effective = (container: EcsJson<ContainerDefinition>): EcsJson<ContainerOverride> | undefined => containerOverrides.get(container.name);
  const cpu =
    taskCpuUnits(overrides?.cpu ?? definition.cpu) ?? containers.reduce((sum, c) => sum + (effective(c)?.cpu ?? c.cpu ?? 0), 0);
  // The soft limit is what ECS reserves when a container has one.
  const memory =
    taskMemoryMiB(overrides?.memory ?? definition.memory) ??
    containers.reduce((sum, c) => sum + (effective(c)?.memoryReservation ?? c.memoryReservation ?? effective(c)?.memory ?? c.memory ?? 0), 0);
  const networkMode = definition.networkMode ?? 'bridge';
  const tcpPorts: number[] = [];
  const udpPorts: number[] = [];
  // awsvpc tasks get their own interface; their ports do not touch the instance's.
  if (networkMode !== 'awsvpc') {
    for (const container of containers) {
      for (const mapping of container.portMappings ?? []) {
        const hostPort = mapping.hostPort ?? (networkMode === 'host' ? mapping.containerPort : 0);
        if (!hostPort) continue;
        (mapping.protocol === 'udp' ? udpPorts : tcpPorts).push(hostPort);
      }
    }
  }
  const gpus: Record<string, number> = {};
  for (const container of containers) {
    const requirements = effective(container)?.resourceRequirements ?? container.resourceRequirements ?? [];
    const count = requirements.filter((requirement) => requirement.type === 'GPU').reduce((sum, requirement) => sum + Number(requirement.value), 0);
    if (count > 0 && container.name) gpus[container.name] = count;
  }
  const gpuIds = (placed ?? []).flatMap((container) => container.gpuIds ?? []);
  return { cpu, memory, tcpPorts, udpPorts, gpus, gpuIds };
}

/** The GPUs an instance registers: ECS lists its platform devices as a STRINGSET resource named GPU. */
export const GPU_RESOURCE = 'GPU';

/** Registered resources minus what the given (not yet stopped) tasks hold. */
export function remainingCapacity(registered: EcsJson<Resource>[] | undefined, holding: Requirements[]): Capacity {
  const find = (name: string) => registered?.find((resource) => resource.name === name);
  const ports = (name: string) => new Set((find(name)?.stringSetValue ?? []).map(Number).filter(Number.isInteger));
  const capacity: Capacity = {
    cpu: find('CPU')?.integerValue ?? 0,
    memory: find('MEMORY')?.integerValue ?? 0,
    tcpPorts: ports('PORTS'),
    udpPorts: ports('PORTS_UDP'),
    gpus: [],
  };
  const gpusInUse = new Set<string>();
  for (const task of holding) {
    capacity.cpu -= task.cpu;
    capacity.memory -= task.memory;
    task.tcpPorts.forEach((port) => capacity.tcpPorts.add(port));
    task.udpPorts.forEach((port) => capacity.udpPorts.add(port));
    task.gpuIds.forEach((id) => gpusInUse.add(id));
  }
  capacity.gpus = (find(GPU_RESOURCE)?.stringSetValue ?? []).filter((id) => !gpusInUse.has(id));
  return capacity;
}

function gpuCount(needs: Requirements): number {
  return Object.values(needs.gpus).reduce((sum, count) => sum + count, 0);
}

/** Which free GPUs each container that asks for some gets (the task fits: `fits` said so). */
export function assignGpus(needs: Requirements, capacity: Capacity): Record<string, string[]> {
  const free = [...capacity.gpus];
  return Object.fromEntries(Object.entries(needs.gpus).map(([name, count]) => [name, free.splice(0, count)]));
}

export function fits(needs: Requirements, capacity: Capacity): PlacementFailure | undefined {
  if (needs.cpu > capacity.cpu) return 'RESOURCE:CPU';
  if (needs.memory > capacity.memory) return 'RESOURCE:MEMORY';
  if (gpuCount(needs) > capacity.gpus.length) return 'RESOURCE:GPU';
  if (hasConflict(needs.tcpPorts, capacity.tcpPorts)) return 'RESOURCE:PORTS';
  if (hasConflict(needs.udpPorts, capacity.udpPorts)) return 'RESOURCE:PORTS_UDP';
  return undefined;
}

function hasConflict(ports: number[], used: Set<number>): boolean {
  return ports.some((port, index) => used.has(port) || ports.indexOf(port) !== index);
}

export interface Candidate {
  arn: string;
  capacity: Capacity;
}

/** The first candidate the task fits on, or why each one refused it (ECS's `failures` reasons). */
export function choosePlacement(
  needs: Requirements,
  candidates: Candidate[],
): { arn: string; gpus: Record<string, string[]> } | { failures: { arn: string; reason: PlacementFailure }[] } {
  const failures: { arn: string; reason: PlacementFailure }[] = [];
  for (const candidate of candidates) {
    const reason = fits(needs, candidate.capacity);
    if (!reason) return { arn: candidate.arn, gpus: assignGpus(needs, candidate.capacity) };
    failures.push({ arn: candidate.arn, reason });
  }
  return { failures };
}
