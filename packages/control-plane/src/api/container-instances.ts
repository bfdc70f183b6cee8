import type { Attribute, EcsJson, PlatformDevice, Resource } from '@fractal-ecs/agent/wire';
import { containerInstanceArn } from '../arns';
import { GPU_RESOURCE, remainingCapacity, taskRequirements } from '../placement/placement';
import type { ContainerInstanceRecord } from '../state/model';
import { findInstance, nowSeconds, requireCluster, requireInstance, taskDefinitionOf, type ApiContext, type Operation } from './context';
import { EcsApiError, invalidParameter } from './errors';
import { oneOf, optionalBoolean, optionalList, optionalObject, optionalString, paginate, requiredString, stringList, type Body } from './fields';

const INSTANCE_ARN = /^arn:[^:]+:ecs:[^:]*:[^:]*:container-instance\/(?:[^/]+\/)?([A-Za-z0-9-]+)$/;

/** Tasks on an instance that still hold its resources (not yet STOPPED). */
export function tasksHoldingInstance(context: ApiContext, arn: string) {
  return Object.values(context.state.tasks).filter((task) => task.task.containerInstanceArn === arn && task.task.lastStatus !== 'STOPPED');
}

function remainingResources(context: ApiContext, record: ContainerInstanceRecord): EcsJson<Resource>[] {
  const holding = tasksHoldingInstance(context, record.instance.containerInstanceArn).map((task) =>
    taskRequirements(taskDefinitionOf(context, task), task.task.overrides, task.task.containers),
  );
  const capacity = remainingCapacity(record.instance.registeredResources, holding);
  return (record.instance.registeredResources ?? []).map((resource) => {
    switch (resource.name) {
      case 'CPU':
        return { ...resource, integerValue: capacity.cpu };
      case 'MEMORY':
        return { ...resource, integerValue: capacity.memory };
      case 'PORTS':
        return { ...resource, stringSetValue: [...capacity.tcpPorts].map(String) };
      case 'PORTS_UDP':
        return { ...resource, stringSetValue: [...capacity.udpPorts].map(String) };
      case GPU_RESOURCE:
        return { ...resource, stringSetValue: capacity.gpus };
      default:
        return resource;
    }
  });
}

export function describeInstance(context: ApiContext, record: ContainerInstanceRecord) {
  const tasks = Object.values(context.state.tasks).filter((task) => task.task.containerInstanceArn === record.instance.containerInstanceArn);
  return {
    ...record.instance,
    remainingResources: remainingResources(context, record),
    runningTasksCount: tasks.filter((task) => task.task.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter((task) => task.task.lastStatus === 'PENDING').length,
  };
}

function validateResources(list: unknown[] | undefined): EcsJson<Resource>[] {
  return (list ?? []).map((item, index) => {
    const resource = item as Body;
    if (typeof resource?.name !== 'string') throw invalidParameter(`totalResources[${index}].name is required, got ${JSON.stringify(resource?.name)}`);
    const type = oneOf(`totalResources[${index}].type`, resource.type as string | undefined, ['INTEGER', 'DOUBLE', 'LONG', 'STRINGSET']);
    if (type === 'INTEGER' && !Number.isSafeInteger(resource.integerValue ?? 0)) {
      throw invalidParameter(`totalResources[${index}].integerValue must be an integer, got ${JSON.stringify(resource.integerValue)}`);
    }
    return resource as EcsJson<Resource>;
  });
}

function validatePlatformDevices(list: unknown[] | undefined): EcsJson<PlatformDevice>[] {
  return (list ?? []).map((item, index) => {
    const device = item as Body;
    if (typeof device?.id !== 'string' || device.id === '') throw invalidParameter(`platformDevices[${index}].id is required, got ${JSON.stringify(device?.id)}`);
    oneOf(`platformDevices[${index}].type`, device.type as string | undefined, ['GPU']);
    return device as EcsJson<PlatformDevice>;
  });
}

function validateAttributes(list: unknown[] | undefined, field: string): EcsJson<Attribute>[] {
  return (list ?? []).map((item, index) => {
    const attribute = item as Body;
    if (typeof attribute?.name !== 'string' || attribute.name === '') {
      throw invalidParameter(`${field}[${index}].name is required, got ${JSON.stringify(attribute?.name)}`);
    }
    return { name: attribute.name, ...(typeof attribute.value === 'string' ? { value: attribute.value } : {}) };
  });
}

function mergeAttributes(existing: EcsJson<Attribute>[], added: EcsJson<Attribute>[]): EcsJson<Attribute>[] {
  const byName = new Map(existing.map((attribute) => [attribute.name, attribute]));
  for (const attribute of added) byName.set(attribute.name, { name: attribute.name, ...(attribute.value !== undefined ? { value: attribute.value } : {}) });
  return [...byName.values()];
}

export const registerContainerInstance: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  const requestedArn = optionalString(body, 'containerInstanceArn');
  const devices = validatePlatformDevices(optionalList(body, 'platformDevices'));
  const gpuIds = devices.filter((device) => device.type === 'GPU').map((device) => device.id!);
  const resources = [
    ...validateResources(optionalList(body, 'totalResources')).filter((resource) => resource.name !== GPU_RESOURCE),
    // ECS turns the GPUs among the platform devices into a resource that placement draws from.
    ...(gpuIds.length > 0 ? [{ name: GPU_RESOURCE, type: 'STRINGSET', stringSetValue: gpuIds }] : []),
  ];
  const attributes = validateAttributes(optionalList(body, 'attributes'), 'attributes');
  let record = requestedArn ? findInstance(context, cluster, requestedArn) : undefined;
  if (requestedArn && !record && !INSTANCE_ARN.test(requestedArn)) {
    throw invalidParameter(`containerInstanceArn is not a container instance ARN, got ${JSON.stringify(requestedArn)}`);
  }
  const document = optionalString(body, 'instanceIdentityDocument');
  let ec2InstanceId: string | undefined;
  try {
    ec2InstanceId = document ? (JSON.parse(document) as { instanceId?: string }).instanceId : undefined;
  } catch {
    throw invalidParameter(`instanceIdentityDocument is not JSON, got ${JSON.stringify(document!.slice(0, 100))}`);
  }
  // The agent checks that every attribute it sent comes back, and reads its zone from this one.
  const zone = { name: 'ecs.availability-zone', value: `${context.scope.region}a` };
  if (!record) {
    // Re-registration with an ARN the state does not know (e.g. after a wipe) keeps the agent's ARN.
    const arn = requestedArn ?? containerInstanceArn(context.scope, cluster.clusterName, context.newId());
    record = {
      clusterName: cluster.clusterName,
      instance: {
        containerInstanceArn: arn,
        status: 'ACTIVE',
        agentConnected: false,
        registeredAt: nowSeconds(context),
        version: 0,
        attributes: [],
      },
    };
    context.state.containerInstances[arn] = record;
  }
  const instance = record.instance;
  instance.status = instance.status === 'INACTIVE' ? 'ACTIVE' : instance.status;
  instance.registeredResources = resources;
  instance.attributes = mergeAttributes(instance.attributes ?? [], [...attributes, zone]);
  instance.version = (instance.version ?? 0) + 1;
  if (ec2InstanceId) instance.ec2InstanceId = ec2InstanceId;
  const versionInfo = optionalObject(body, 'versionInfo');
  if (versionInfo) instance.versionInfo = { ...instance.versionInfo, ...versionInfo };
  const tags = optionalList<{ key?: string; value?: string }>(body, 'tags');
  if (tags) instance.tags = tags;
  return { containerInstance: describeInstance(context, record) };
};

export const deregisterContainerInstance: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  const record = requireInstance(context, cluster, requiredString(body, 'containerInstance'), 'containerInstance');
  const force = optionalBoolean(body, 'force') ?? false;
  const holding = tasksHoldingInstance(context, record.instance.containerInstanceArn);
  if (holding.length > 0 && !force) {
    throw invalidParameter(`The container instance has ${holding.length} tasks that are not stopped; stop them or pass force=true.`);
  }
  record.instance.status = 'INACTIVE';
  record.instance.agentConnected = false;
  context.dispatcher.disconnectInstance(record.instance.containerInstanceArn, 'container instance deregistered');
  return { containerInstance: describeInstance(context, record) };
};

export const listContainerInstances: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  if (optionalString(body, 'filter')) throw invalidParameter('filter (cluster query language) is not supported by the local control plane');
  const status = oneOf('status', optionalString(body, 'status'), ['ACTIVE', 'DRAINING', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED']);
  const arns = Object.values(context.state.containerInstances)
    .filter((record) => record.clusterName === cluster.clusterName && record.instance.status !== 'INACTIVE')
    .filter((record) => !status || record.instance.status === status)
    .map((record) => record.instance.containerInstanceArn);
  const { page, nextToken } = paginate(arns, body);
  return { containerInstanceArns: page, ...(nextToken ? { nextToken } : {}) };
};

export const describeContainerInstances: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  const requested = stringList(body, 'containerInstances');
  if (!requested || requested.length === 0) throw invalidParameter('containerInstances must list at least one ID or ARN, got nothing');
  const containerInstances = [];
  const failures = [];
  for (const ref of requested) {
    const record = findInstance(context, cluster, ref);
    if (record) containerInstances.push(describeInstance(context, record));
    else failures.push({ arn: ref, reason: 'MISSING' });
  }
  return { containerInstances, failures };
};

export const updateContainerInstancesState: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  const status = oneOf('status', requiredString(body, 'status'), ['ACTIVE', 'DRAINING']);
  const containerInstances = [];
  const failures = [];
  for (const ref of stringList(body, 'containerInstances') ?? []) {
    const record = findInstance(context, cluster, ref);
    if (!record || record.instance.status === 'INACTIVE') {
      failures.push({ arn: ref, reason: 'MISSING' });
      continue;
    }
    record.instance.status = status;
    containerInstances.push(describeInstance(context, record));
  }
  return { containerInstances, failures };
};

export const putAttributes: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  const list = optionalList<Body>(body, 'attributes');
  if (!list || list.length === 0) throw invalidParameter('attributes must list at least one attribute, got nothing');
  const attributes = validateAttributes(list, 'attributes');
  list.forEach((attribute, index) => {
    const targetType = attribute.targetType ?? 'container-instance';
    if (targetType !== 'container-instance') throw invalidParameter(`attributes[${index}].targetType must be container-instance, got ${JSON.stringify(targetType)}`);
    if (typeof attribute.targetId !== 'string') throw invalidParameter(`attributes[${index}].targetId is required, got ${JSON.stringify(attribute.targetId)}`);
    const record = findInstance(context, cluster, attribute.targetId);
    if (!record) throw new EcsApiError('ClientException', `attributes[${index}].targetId: no container instance ${JSON.stringify(attribute.targetId)} in cluster ${cluster.clusterName}`);
    record.instance.attributes = mergeAttributes(record.instance.attributes ?? [], [attributes[index]!]);
  });
  return {
    attributes: list.map((attribute, index) => ({ ...attributes[index], targetType: 'container-instance', targetId: attribute.targetId })),
  };
};

export const discoverPollEndpoint: Operation = (context, body, request) => {
  const ref = optionalString(body, 'containerInstance');
  if (ref && optionalString(body, 'cluster')) {
    const cluster = requireCluster(context, body);
    if (!findInstance(context, cluster, ref)) throw invalidParameter(`containerInstance: no container instance ${JSON.stringify(ref)} in cluster ${cluster.clusterName}`);
  }
  return context.pollEndpoints(request);
};
