import type { ContainerDefinition, EcsJson, TaskDefinition } from '@fractal-ecs/agent/wire';
import { parseTaskDefinitionRef, taskDefinitionArn } from '../arns';
import { taskCpuUnits, taskMemoryMiB } from '../render/acs-task';
import type { TaskDefinitionRecord } from '../state/model';
import { nowSeconds, type ApiContext, type Operation } from './context';
import { EcsApiError, invalidParameter } from './errors';
import { oneOf, optionalList, optionalString, paginate, requiredString, type Body } from './fields';

const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const NETWORK_MODES = ['bridge', 'host', 'awsvpc', 'none'] as const;
const CONDITIONS = ['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'] as const;
const INTEGER_FIELDS = ['cpu', 'memory', 'memoryReservation', 'startTimeout', 'stopTimeout'] as const;

function render(value: unknown): string {
  return JSON.stringify(value) ?? 'nothing';
}

function requireThat(condition: boolean, message: string): void {
  if (!condition) throw invalidParameter(message);
}

/** A container's (or a container override's) resourceRequirements: placement counts the GPUs. */
export function validateResourceRequirements(list: unknown, at: string): void {
  requireThat(list === undefined || Array.isArray(list), `${at} must be a list, got ${render(list)}`);
  ((list as Body[] | undefined) ?? []).forEach((requirement, r) => {
    requireThat(requirement?.type !== undefined, `${at}[${r}].type is required (GPU or InferenceAccelerator), got ${render(requirement?.type)}`);
    oneOf(`${at}[${r}].type`, requirement.type as string, ['GPU', 'InferenceAccelerator']);
    if (requirement.type === 'GPU') {
      requireThat(/^[1-9][0-9]*$/.test(String(requirement.value)), `${at}[${r}].value must be a whole number of GPUs, got ${render(requirement.value)}`);
    }
  });
}

/** Checks what the rendering and placement rely on; other fields are stored as given. */
function validate(body: Body): EcsJson<TaskDefinition> {
  const family = requiredString(body, 'family');
  requireThat(NAME.test(family), `family may contain up to 255 letters, numbers, hyphens and underscores, got ${render(family)}`);
  const networkMode = oneOf('networkMode', optionalString(body, 'networkMode'), NETWORK_MODES);
  const taskMemory = taskMemoryMiB(optionalString(body, 'memory'));
  requireThat(taskMemory === undefined || Number.isInteger(taskMemory), `memory must be MiB ("512") or GB ("1 GB"), got ${render(body.memory)}`);
  const taskCpu = taskCpuUnits(optionalString(body, 'cpu'));
  requireThat(taskCpu === undefined || Number.isInteger(taskCpu), `cpu must be CPU units ("256") or vCPU ("0.25 vCPU"), got ${render(body.cpu)}`);

  const volumes = optionalList<Body>(body, 'volumes') ?? [];
  const volumeNames = new Set<string>();
  volumes.forEach((volume, index) => {
    const name = volume?.name;
    requireThat(typeof name === 'string' && NAME.test(name), `volumes[${index}].name is required (letters, numbers, hyphens, underscores), got ${render(name)}`);
    requireThat(!volumeNames.has(name as string), `volumes[${index}].name ${render(name)} is used by another volume`);
    volumeNames.add(name as string);
  });

  const containers = optionalList<Body>(body, 'containerDefinitions');
  requireThat(Array.isArray(containers) && containers.length > 0, `containerDefinitions must list at least one container, got ${render(body.containerDefinitions)}`);
  const names = new Set<string>();
  containers!.forEach((container, index) => {
    const at = `containerDefinitions[${index}]`;
    requireThat(typeof container === 'object' && container !== null, `${at} must be an object, got ${render(container)}`);
    requireThat(typeof container.name === 'string' && NAME.test(container.name), `${at}.name is required (letters, numbers, hyphens, underscores), got ${render(container.name)}`);
    requireThat(!names.has(container.name as string), `${at}.name ${render(container.name)} is used by another container`);
    names.add(container.name as string);
    requireThat(typeof container.image === 'string' && container.image !== '', `${at}.image is required, got ${render(container.image)}`);
    for (const field of INTEGER_FIELDS) {
      const value = container[field];
      requireThat(value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0), `${at}.${field} must be a non-negative integer, got ${render(value)}`);
    }
    requireThat(
      container.memory !== undefined || container.memoryReservation !== undefined || taskMemory !== undefined,
      `Invalid setting for container '${container.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
    );
    requireThat(
      container.memory === undefined || container.memoryReservation === undefined || (container.memoryReservation as number) <= (container.memory as number),
      `${at}.memoryReservation (${render(container.memoryReservation)}) must not exceed ${at}.memory (${render(container.memory)})`,
    );
    ((container.portMappings as Body[] | undefined) ?? []).forEach((mapping, m) => {
      requireThat(Number.isSafeInteger(mapping?.containerPort), `${at}.portMappings[${m}].containerPort must be an integer, got ${render(mapping?.containerPort)}`);
      requireThat(mapping.hostPort === undefined || Number.isSafeInteger(mapping.hostPort), `${at}.portMappings[${m}].hostPort must be an integer, got ${render(mapping.hostPort)}`);
      oneOf(`${at}.portMappings[${m}].protocol`, mapping.protocol as string | undefined, ['tcp', 'udp']);
    });
    validateResourceRequirements(container.resourceRequirements, `${at}.resourceRequirements`);
    ((container.mountPoints as Body[] | undefined) ?? []).forEach((mount, m) => {
      requireThat(volumeNames.has(mount?.sourceVolume as string), `${at}.mountPoints[${m}].sourceVolume names no volume of this task definition, got ${render(mount?.sourceVolume)}`);
      requireThat(typeof mount.containerPath === 'string' && mount.containerPath !== '', `${at}.mountPoints[${m}].containerPath is required, got ${render(mount.containerPath)}`);
    });
  });
  // References between containers, once every name is known.
  containers!.forEach((container, index) => {
    const at = `containerDefinitions[${index}]`;
    ((container.volumesFrom as Body[] | undefined) ?? []).forEach((from, f) =>
      requireThat(names.has(from?.sourceContainer as string), `${at}.volumesFrom[${f}].sourceContainer names no container, got ${render(from?.sourceContainer)}`),
    );
    ((container.dependsOn as Body[] | undefined) ?? []).forEach((dependency, d) => {
      requireThat(names.has(dependency?.containerName as string), `${at}.dependsOn[${d}].containerName names no container, got ${render(dependency?.containerName)}`);
      oneOf(`${at}.dependsOn[${d}].condition`, dependency.condition as string | undefined, CONDITIONS);
    });
    ((container.links as string[] | undefined) ?? []).forEach((link, l) => {
      requireThat((networkMode ?? 'bridge') === 'bridge', `${at}.links is only supported in bridge network mode, got networkMode ${render(networkMode)}`);
      requireThat(names.has(String(link).split(':')[0]!), `${at}.links[${l}] names no container, got ${render(link)}`);
    });
  });
  return body as EcsJson<TaskDefinition>;
}

/** ECS echoes definitions with its defaults filled in. */
function withDefaults(container: EcsJson<ContainerDefinition>, networkMode: string): EcsJson<ContainerDefinition> {
  return {
    ...container,
    cpu: container.cpu ?? 0,
    essential: container.essential ?? true,
    portMappings: (container.portMappings ?? []).map((mapping) => ({
      ...mapping,
      ...(networkMode !== 'bridge' && mapping.hostPort === undefined ? { hostPort: mapping.containerPort } : {}),
      protocol: mapping.protocol ?? 'tcp',
    })),
    environment: container.environment ?? [],
    mountPoints: container.mountPoints ?? [],
    volumesFrom: container.volumesFrom ?? [],
  };
}

export const registerTaskDefinition: Operation = (context, body) => {
  const input = validate(body);
  const family = input.family!;
  const revisions = (context.state.taskDefinitions[family] ??= []);
  const revision = revisions.length + 1;
  const networkMode = input.networkMode ?? 'bridge';
  const { tags: _tags, ...definition } = input as EcsJson<TaskDefinition> & { tags?: unknown };
  const record: TaskDefinitionRecord = {
    ...definition,
    family,
    revision,
    taskDefinitionArn: taskDefinitionArn(context.scope, family, revision),
    networkMode,
    containerDefinitions: (input.containerDefinitions ?? []).map((container) => withDefaults(container, networkMode)),
    volumes: input.volumes ?? [],
    placementConstraints: input.placementConstraints ?? [],
    compatibilities: ['EXTERNAL', 'EC2'],
    requiresCompatibilities: input.requiresCompatibilities ?? [],
    status: 'ACTIVE',
    registeredAt: nowSeconds(context),
  };
  revisions.push(record);
  return { taskDefinition: record, tags: body.tags ?? [] };
};

/** `family` (latest ACTIVE revision), `family:rev` or an ARN. */
export function resolveTaskDefinition(context: ApiContext, ref: string, field: string): TaskDefinitionRecord {
  const parsed = parseTaskDefinitionRef(ref);
  if (!parsed) throw invalidParameter(`${field} must be family, family:revision or a task definition ARN, got ${JSON.stringify(ref)}`);
  const revisions = context.state.taskDefinitions[parsed.family] ?? [];
  const record =
    parsed.revision !== undefined ? revisions[parsed.revision - 1] : [...revisions].reverse().find((candidate) => candidate.status === 'ACTIVE');
  if (!record) throw new EcsApiError('ClientException', `Unable to describe task definition ${JSON.stringify(ref)}.`);
  return record;
}

export const describeTaskDefinition: Operation = (context, body) => ({
  taskDefinition: resolveTaskDefinition(context, requiredString(body, 'taskDefinition'), 'taskDefinition'),
  tags: [],
});

export const deregisterTaskDefinition: Operation = (context, body) => {
  const ref = requiredString(body, 'taskDefinition');
  if (parseTaskDefinitionRef(ref)?.revision === undefined) throw invalidParameter(`taskDefinition must name a revision (family:revision), got ${JSON.stringify(ref)}`);
  const record = resolveTaskDefinition(context, ref, 'taskDefinition');
  record.status = 'INACTIVE';
  record.deregisteredAt = nowSeconds(context);
  return { taskDefinition: record };
};

export const listTaskDefinitions: Operation = (context, body) => {
  const familyPrefix = optionalString(body, 'familyPrefix');
  const status = oneOf('status', optionalString(body, 'status'), ['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS']) ?? 'ACTIVE';
  const arns = Object.values(context.state.taskDefinitions)
    .flat()
    .filter((record) => record.status === status && (!familyPrefix || record.family.startsWith(familyPrefix)))
    .map((record) => record.taskDefinitionArn);
  if (optionalString(body, 'sort') === 'DESC') arns.reverse();
  const { page, nextToken } = paginate(arns, body);
  return { taskDefinitionArns: page, ...(nextToken ? { nextToken } : {}) };
};
