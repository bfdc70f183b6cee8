import type { EcsJson, TaskOverride } from '@fractal-ecs/agent/wire';
import { containerArn, taskArn } from '../arns';
import { choosePlacement, remainingCapacity, taskRequirements, type PlacementFailure } from '../placement/placement';
import type { ClusterRecord, ContainerInstanceRecord, TaskDefinitionRecord, TaskRecord } from '../state/model';
import { tasksHoldingInstance } from './container-instances';
import { findTask, nowSeconds, requireCluster, requireInstance, taskDefinitionOf, type ApiContext, type Operation } from './context';
import { invalidParameter } from './errors';
import { oneOf, optionalInteger, optionalList, optionalObject, optionalString, paginate, requiredString, stringList, type Body } from './fields';
import { resolveTaskDefinition, validateResourceRequirements } from './task-definitions';

const MAX_TASKS_PER_CALL = 10;

function readOverrides(body: Body, definition: TaskDefinitionRecord): EcsJson<TaskOverride> | undefined {
  const overrides = optionalObject(body, 'overrides') as EcsJson<TaskOverride> | undefined;
  const names = new Set((definition.containerDefinitions ?? []).map((container) => container.name));
  (overrides?.containerOverrides ?? []).forEach((override, index) => {
    if (!names.has(override?.name)) {
      throw invalidParameter(`overrides.containerOverrides[${index}].name names no container of ${definition.taskDefinitionArn}, got ${JSON.stringify(override?.name)}`);
    }
    validateResourceRequirements(override.resourceRequirements, `overrides.containerOverrides[${index}].resourceRequirements`);
  });
  return overrides;
}

function readPlacementOptions(body: Body): void {
  for (const field of ['placementConstraints', 'placementStrategy', 'capacityProviderStrategy']) {
    if ((optionalList(body, field) ?? []).length > 0) throw invalidParameter(`${field} is not supported by the local control plane, got ${JSON.stringify(body[field])}`);
  }
  const launchType = optionalString(body, 'launchType');
  if (launchType !== undefined && launchType !== 'EC2' && launchType !== 'EXTERNAL') {
    throw invalidParameter(`launchType must be EC2 or EXTERNAL on the local control plane, got ${JSON.stringify(launchType)}`);
  }
}

function createTask(
  context: ApiContext,
  cluster: ClusterRecord,
  definition: TaskDefinitionRecord,
  instance: ContainerInstanceRecord,
  overrides: EcsJson<TaskOverride> | undefined,
  gpus: Record<string, string[]>,
  body: Body,
): TaskRecord {
  const id = context.newId().replace(/-/g, '');
  const arn = taskArn(context.scope, cluster.clusterName, id);
  const needs = taskRequirements(definition, overrides);
  const containerOverrides = new Map((overrides?.containerOverrides ?? []).map((override) => [override.name, override]));
  const record: TaskRecord = {
    clusterName: cluster.clusterName,
    credentialsIds: {},
    task: {
      taskArn: arn,
      clusterArn: cluster.clusterArn,
      taskDefinitionArn: definition.taskDefinitionArn,
      containerInstanceArn: instance.instance.containerInstanceArn,
      overrides: overrides ?? { containerOverrides: [], inferenceAcceleratorOverrides: [] },
      lastStatus: 'PENDING',
      desiredStatus: 'RUNNING',
      cpu: String(needs.cpu),
      memory: String(needs.memory),
      containers: (definition.containerDefinitions ?? []).map((container) => {
        const override = containerOverrides.get(container.name);
        return {
          containerArn: containerArn(context.scope, cluster.clusterName, id, context.newId()),
          taskArn: arn,
          name: container.name,
          image: container.image,
          lastStatus: 'PENDING',
          networkBindings: [],
          networkInterfaces: [],
          cpu: String(override?.cpu ?? container.cpu ?? 0),
          ...(override?.memory ?? container.memory) !== undefined ? { memory: String(override?.memory ?? container.memory) } : {},
          ...(override?.memoryReservation ?? container.memoryReservation) !== undefined
            ? { memoryReservation: String(override?.memoryReservation ?? container.memoryReservation) }
            : {},
          ...(gpus[container.name!] ? { gpuIds: gpus[container.name!] } : {}),
        };
      }),
      startedBy: optionalString(body, 'startedBy'),
      group: optionalString(body, 'group') ?? `family:${definition.family}`,
      version: 1,
      createdAt: nowSeconds(context),
      launchType: 'EC2',
      availabilityZone: `${context.scope.region}a`,
      attachments: [],
      tags: optionalList(body, 'tags') ?? [],
    },
  };
  if (context.hasRoleCredentials) {
    if (overrides?.taskRoleArn ?? definition.taskRoleArn) record.credentialsIds.application = context.newId();
    if (overrides?.executionRoleArn ?? definition.executionRoleArn) record.credentialsIds.execution = context.newId();
  }
  context.state.tasks[arn] = record;
  context.dispatcher.dispatchTask(record);
  return record;
}

function candidateCapacity(context: ApiContext, record: ContainerInstanceRecord) {
  const holding = tasksHoldingInstance(context, record.instance.containerInstanceArn).map((task) =>
    taskRequirements(taskDefinitionOf(context, task), task.task.overrides, task.task.containers),
  );
  return { arn: record.instance.containerInstanceArn, capacity: remainingCapacity(record.instance.registeredResources, holding) };
}

function collectFailures(failures: Map<string, { arn: string; reason: string }>, found: { arn: string; reason: PlacementFailure }[]): void {
  for (const failure of found) failures.set(`${failure.arn} ${failure.reason}`, failure);
}

export const runTask: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  readPlacementOptions(body);
  const definition = resolveTaskDefinition(context, requiredString(body, 'taskDefinition'), 'taskDefinition');
  const overrides = readOverrides(body, definition);
  const count = optionalInteger(body, 'count') ?? 1;
  if (count < 1 || count > MAX_TASKS_PER_CALL) throw invalidParameter(`count must be between 1 and ${MAX_TASKS_PER_CALL}, got ${count}`);
  const instances = Object.values(context.state.containerInstances).filter(
    (record) => record.clusterName === cluster.clusterName && record.instance.status === 'ACTIVE',
  );
  if (instances.length === 0) throw invalidParameter('No Container Instances were found in your cluster.');
  const needs = taskRequirements(definition, overrides);
  const tasks: TaskRecord[] = [];
  const failures = new Map<string, { arn: string; reason: string }>();
  for (let index = 0; index < count; index++) {
    const placement = choosePlacement(needs, instances.map((record) => candidateCapacity(context, record)));
    if ('failures' in placement) {
      collectFailures(failures, placement.failures);
      break;
    }
    const instance = context.state.containerInstances[placement.arn]!;
    tasks.push(createTask(context, cluster, definition, instance, overrides, placement.gpus, body));
  }
  return { tasks: tasks.map((record) => record.task), failures: [...failures.values()] };
};

export const startTask: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  const definition = resolveTaskDefinition(context, requiredString(body, 'taskDefinition'), 'taskDefinition');
  const overrides = readOverrides(body, definition);
  const refs = stringList(body, 'containerInstances') ?? [];
  if (refs.length < 1 || refs.length > MAX_TASKS_PER_CALL) {
    throw invalidParameter(`containerInstances must list 1 to ${MAX_TASKS_PER_CALL} instances, got ${refs.length}`);
  }
  const needs = taskRequirements(definition, overrides);
  const tasks: TaskRecord[] = [];
  const failures = new Map<string, { arn: string; reason: string }>();
  refs.forEach((ref, index) => {
    const instance = requireInstance(context, cluster, ref, `containerInstances[${index}]`);
    if (instance.instance.status !== 'ACTIVE') {
      failures.set(ref, { arn: instance.instance.containerInstanceArn, reason: 'INACTIVE' });
      return;
    }
    const placement = choosePlacement(needs, [candidateCapacity(context, instance)]);
    if ('failures' in placement) collectFailures(failures, placement.failures);
    else tasks.push(createTask(context, cluster, definition, instance, overrides, placement.gpus, body));
  });
  return { tasks: tasks.map((record) => record.task), failures: [...failures.values()] };
};

export const stopTask: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  const ref = requiredString(body, 'task');
  const record = findTask(context, cluster, ref);
  if (!record) throw invalidParameter(`task: no task ${JSON.stringify(ref)} in cluster ${cluster.clusterName}`);
  const task = record.task;
  if (task.desiredStatus !== 'STOPPED') {
    task.desiredStatus = 'STOPPED';
    task.stopCode = 'UserInitiated';
    task.stoppedReason = optionalString(body, 'reason') ?? 'Task stopped by user';
    task.stoppingAt = nowSeconds(context);
    task.version = (task.version ?? 0) + 1;
    if (task.lastStatus !== 'STOPPED') context.dispatcher.dispatchTask(record);
  }
  return { task };
};

export const listTasks: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  const instanceRef = optionalString(body, 'containerInstance');
  const instanceArn = instanceRef ? requireInstance(context, cluster, instanceRef, 'containerInstance').instance.containerInstanceArn : undefined;
  const family = optionalString(body, 'family');
  const startedBy = optionalString(body, 'startedBy');
  const desiredStatus = oneOf('desiredStatus', optionalString(body, 'desiredStatus'), ['RUNNING', 'PENDING', 'STOPPED']) ?? 'RUNNING';
  const arns = Object.values(context.state.tasks)
    .filter((record) => record.clusterName === cluster.clusterName)
    .filter((record) => !instanceArn || record.task.containerInstanceArn === instanceArn)
    .filter((record) => !family || taskDefinitionOf(context, record).family === family)
    .filter((record) => !startedBy || record.task.startedBy === startedBy)
    // PENDING is not a desired status a task has; ECS answers it with nothing.
    .filter((record) => record.task.desiredStatus === desiredStatus)
    .map((record) => record.task.taskArn);
  const { page, nextToken } = paginate(arns, body);
  return { taskArns: page, ...(nextToken ? { nextToken } : {}) };
};

export const describeTasks: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  const refs = stringList(body, 'tasks');
  if (!refs || refs.length === 0 || refs.length > 100) throw invalidParameter(`tasks must list 1 to 100 task IDs or ARNs, got ${refs?.length ?? 0}`);
  const tasks = [];
  const failures = [];
  for (const ref of refs) {
    const record = findTask(context, cluster, ref);
    if (record) tasks.push(record.task);
    else failures.push({ arn: ref, reason: 'MISSING' });
  }
  return { tasks, failures };
};
