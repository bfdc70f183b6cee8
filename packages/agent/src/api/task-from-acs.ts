// ACS task -> model task: upstream's TaskFromACS and the one-time PostUnmarshalTask work (implicit
// ordering for volumesFrom and links, dependency checks, volume names, the task cgroup, the
// variables the agent adds to every container). Never throws: a task that cannot be modelled comes
// back as a TaskModelError naming the ACS field, so the engine stops that task alone.
import type { TaskSettings } from '../config';
import type { AcsTask } from '../wire';
import type { Container, ContainerDependency } from './container';
import { withAgentEnvironment } from './agent-environment';
import { containerFromAcs } from './container-from-acs';
import { parseLink } from './container-link';
import { validateDependencyGraph } from './dependency-graph';
import { randomUuid, type RandomSource } from './random-source';
import { taskId, type Task } from './task';
import { taskCgroupSpec } from './task-cgroup';
import { modelError, modelOk, type ModelResult } from './task-model-error';
import type { TaskVolume } from './volume';
import { volumeFromAcs } from './volume-from-acs';

/** The envelope facts a task takes from its PayloadMessage. */
export interface TaskDeliveryFacts {
  readonly seqNum?: number;
}

/** The configuration the model reads (AgentConfig satisfies it). */
export interface TaskModelConfig {
  readonly task: Pick<TaskSettings, 'cpuMemLimit' | 'cgroupCpuPeriodMs'>;
}

export function taskFromAcs(acs: AcsTask, delivery: TaskDeliveryFacts, config: TaskModelConfig, random: RandomSource): ModelResult<Task> {
  const arn = acs.arn ?? '';
  if (arn === '') return modelError('arn', 'missing');
  const desiredStatus = acs.desiredStatus;
  if (desiredStatus !== 'RUNNING' && desiredStatus !== 'STOPPED') {
    return modelError('desiredStatus', `must be "RUNNING" or "STOPPED", got ${JSON.stringify(desiredStatus)}`);
  }
  const family = acs.family ?? '';
  const version = acs.version ?? '';
  const cpu = acs.cpu ?? 0;
  const memory = acs.memory ?? 0;
  if (cpu < 0) return modelError('cpu', `must not be negative, got ${cpu}`);
  if (memory < 0) return modelError('memory', `must not be negative, got ${memory}`);
  if (acs.elasticNetworkInterfaces?.length) return modelError('elasticNetworkInterfaces', 'awsvpc tasks are not supported by this agent');
  if (acs.associations?.length) return modelError('associations', 'GPU and Elastic Inference associations are not supported by this agent');
  // pidMode/ipcMode "task" need the namespace pause container, which this agent does not run.
  if (acs.pidMode !== undefined && acs.pidMode !== 'host') return modelError('pidMode', `only "host" is supported, got ${JSON.stringify(acs.pidMode)}`);
  if (acs.ipcMode !== undefined && acs.ipcMode !== 'host' && acs.ipcMode !== 'none') {
    return modelError('ipcMode', `only "host" and "none" are supported, got ${JSON.stringify(acs.ipcMode)}`);
  }

  const volumes: TaskVolume[] = [];
  for (const [index, acsVolume] of (acs.volumes ?? []).entries()) {
    const volume = volumeFromAcs(acsVolume, index, { family, version }, random);
    if (!volume.ok) return volume;
    if (volumes.some((other) => other.name === volume.value.name)) return modelError(`volumes[${index}].name`, `duplicate volume ${JSON.stringify(volume.value.name)}`);
    volumes.push(volume.value);
  }

  const acsContainers = acs.containers ?? [];
  if (acsContainers.length === 0) return modelError('containers', 'a task needs at least one container');
  const credentialsId = acs.roleCredentials?.credentialsId || undefined;
  const executionCredentialsId = acs.executionRoleCredentials?.credentialsId || undefined;
  const parsed: Container[] = [];
  let networkMode: string | undefined;
  for (const [index, acsContainer] of acsContainers.entries()) {
    const result = containerFromAcs(acsContainer, index, randomUuid(random));
    if (!result.ok) return result;
    const { container } = result.value;
    if (parsed.some((other) => other.name === container.name)) return modelError(`containers[${index}].name`, `duplicate container ${JSON.stringify(container.name)}`);
    networkMode ??= result.value.networkMode;
    parsed.push(withAgentEnvironment(container, credentialsId));
  }

  const containers: Container[] = [];
  for (const [index, container] of parsed.entries()) {
    const implicit = implicitDependencies(container, index, parsed, volumes);
    if (!implicit.ok) return implicit;
    containers.push(implicit.value.length ? { ...container, dependsOn: [...container.dependsOn, ...implicit.value] } : container);
  }
  const graph = validateDependencyGraph(containers);
  if (!graph.ok) return graph;
  for (const [index, container] of containers.entries()) {
    for (const [edge, dependency] of container.dependsOn.entries()) {
      const target = containers.find((other) => other.name === dependency.containerName)!;
      if (dependency.condition === 'HEALTHY' && target.healthCheckType !== 'docker') {
        return modelError(`containers[${index}].dependsOn[${edge}].condition`, `HEALTHY needs a health check on ${JSON.stringify(target.name)}`);
      }
    }
  }

  let cgroup: Task['cgroup'];
  if (config.task.cpuMemLimit.enabled) {
    const spec = taskCgroupSpec({ id: taskId(arn), cpu, memory, containers }, config.task.cgroupCpuPeriodMs);
    if (!spec.ok) return spec;
    cgroup = spec.value;
  }

  const seqNum = delivery.seqNum ?? 0;
  return modelOk({
    arn,
    family,
    version,
    containers,
    volumes,
    cpu,
    memory,
    networkMode: networkMode ?? 'bridge',
    ...(acs.pidMode ? { pidMode: acs.pidMode } : {}),
    ...(acs.ipcMode ? { ipcMode: acs.ipcMode } : {}),
    ...(acs.launchType ? { launchType: acs.launchType } : {}),
    startSequenceNumber: desiredStatus === 'RUNNING' ? seqNum : 0,
    stopSequenceNumber: desiredStatus === 'STOPPED' ? seqNum : 0,
    ...(credentialsId ? { credentialsId } : {}),
    ...(executionCredentialsId ? { executionCredentialsId } : {}),
    ...(cgroup ? { cgroup } : {}),
    desiredStatus,
    knownStatus: 'NONE',
    sentStatus: 'NONE',
  });
}

/**
 * A volumesFrom source must be created first (CREATE) and a link target started first (START);
 * both must name another container of the task. Mounts must name a task volume.
 */
function implicitDependencies(
  container: Container,
  index: number,
  containers: readonly Container[],
  volumes: readonly TaskVolume[],
): ModelResult<ContainerDependency[]> {
  const field = `containers[${index}]`;
  const names = new Set(containers.map((other) => other.name));
  for (const [i, mount] of container.mountPoints.entries()) {
    if (!volumes.some((volume) => volume.name === mount.sourceVolume)) {
      return modelError(`${field}.mountPoints[${i}].sourceVolume`, `no volume named ${JSON.stringify(mount.sourceVolume)}`);
    }
  }
  const implicit: ContainerDependency[] = [];
  for (const [i, from] of container.volumesFrom.entries()) {
    const at = `${field}.volumesFrom[${i}].sourceContainer`;
    if (!names.has(from.sourceContainer)) return modelError(at, `no container named ${JSON.stringify(from.sourceContainer)}`);
    if (from.sourceContainer === container.name) return modelError(at, 'a container cannot take volumes from itself');
    implicit.push({ containerName: from.sourceContainer, condition: 'CREATE' });
  }
  for (const [i, link] of container.links.entries()) {
    const at = `${field}.links[${i}]`;
    const parsed = parseLink(link);
    if (!parsed) return modelError(at, `must be "name" or "name:alias", got ${JSON.stringify(link)}`);
    if (!names.has(parsed.name)) return modelError(at, `no container named ${JSON.stringify(parsed.name)}`);
    if (parsed.name === container.name) return modelError(at, 'a container cannot link to itself');
    implicit.push({ containerName: parsed.name, condition: 'START' });
  }
  return modelOk(implicit);
}
