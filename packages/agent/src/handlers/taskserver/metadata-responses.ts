// Task and container metadata as upstream's v2/v3/v4 handlers build them from the engine's model.
import { containerStatusToJson, taskStatusToJson, type Container, type Task } from '../../api';
import type { ContainerMetadataResponse, HealthResponse, NetworkResponse, PortResponse, TaskMetadataResponse, VolumeResponse } from '../../wire';
import { goTime } from './go-time';

export type MetadataVersion = 2 | 3 | 4;

/** Upstream: CPU below 2 units is given to Docker as 2 shares, so the metadata reports 2. */
const MINIMUM_CPU_UNITS = 2;

export interface TaskResponseContext {
  readonly cluster: string;
  /** Omitted when unknown or ECS_DISABLE_TASK_METADATA_AZ. */
  readonly availabilityZone: string | undefined;
}

/**
 * The containers a response lists: those given a Docker name (created or being created), in
 * task-definition order; v4 also lists pulled ones that are not created yet.
 */
function listedContainers(task: Task, version: MetadataVersion): Container[] {
  return task.containers.filter((container) => container.dockerName !== undefined || (version === 4 && container.knownStatus === 'PULLED'));
}

export function taskResponse(task: Task, version: MetadataVersion, context: TaskResponseContext): TaskMetadataResponse {
  const response: TaskMetadataResponse = {
    Cluster: context.cluster,
    TaskARN: task.arn,
    Family: task.family,
    Revision: task.version,
    DesiredStatus: taskStatusToJson(task.desiredStatus),
    KnownStatus: taskStatusToJson(task.knownStatus),
  };
  const containers = listedContainers(task, version).map((container) => containerResponse(task, container, version));
  if (containers.length > 0) response.Containers = containers;
  if (task.cpu !== 0 || task.memory !== 0) response.Limits = { ...(task.cpu !== 0 ? { CPU: task.cpu } : {}), ...(task.memory !== 0 ? { Memory: task.memory } : {}) };
  assignTime(response, 'PullStartedAt', task.pullStartedAt);
  assignTime(response, 'PullStoppedAt', task.pullStoppedAt);
  assignTime(response, 'ExecutionStoppedAt', task.executionStoppedAt);
  if (context.availabilityZone) response.AvailabilityZone = context.availabilityZone;
  if (version === 4 && task.launchType) response.LaunchType = task.launchType;
  return response;
}

export function containerResponse(task: Task, container: Container, version: MetadataVersion): ContainerMetadataResponse {
  const awsvpc = task.networkMode === 'awsvpc';
  const ports = container.knownPortBindings.map((binding): PortResponse => {
    const hostPort = awsvpc ? binding.containerPort : binding.hostPort;
    return { ...(binding.containerPort ? { ContainerPort: binding.containerPort } : {}), Protocol: binding.protocol, ...(hostPort ? { HostPort: hostPort } : {}) };
  });
  // Field order follows upstream's struct so a diff against Amazon's agent reads cleanly.
  const response: ContainerMetadataResponse = {
    DockerId: container.runtimeId ?? '',
    Name: container.name,
    DockerName: container.dockerName ?? '',
    Image: container.image,
    ImageID: container.imageId ?? '',
    ...(ports.length > 0 ? { Ports: ports } : {}),
    ...(container.labels && Object.keys(container.labels).length > 0 ? { Labels: { ...container.labels } } : {}),
    DesiredStatus: containerStatusToJson(container.desiredStatus),
    KnownStatus: containerStatusToJson(container.knownStatus),
    ...(container.knownExitCode === undefined ? {} : { ExitCode: container.knownExitCode }),
    Limits: { CPU: Math.max(container.cpu, MINIMUM_CPU_UNITS), Memory: container.memory },
    Type: container.type,
  };
  assignTime(response, 'CreatedAt', container.createdAt);
  assignTime(response, 'StartedAt', container.startedAt);
  assignTime(response, 'FinishedAt', container.finishedAt);
  // v2 shows networks only for awsvpc (from the ENI, which this agent does not attach); v3 and v4 show Docker's.
  if (version !== 2 && !awsvpc && container.networks && container.networks.length > 0) response.Networks = container.networks.map(networkResponse);
  if (container.healthCheckType === 'docker') response.Health = healthResponse(container);
  const volumes = (container.mounts ?? []).map(
    (mount): VolumeResponse => ({ ...(mount.name ? { DockerName: mount.name } : {}), ...(mount.source ? { Source: mount.source } : {}), ...(mount.destination ? { Destination: mount.destination } : {}) }),
  );
  if (volumes.length > 0) response.Volumes = volumes;
  if (version === 4) {
    const logConfig = logConfiguration(container);
    if (logConfig.type) response.LogDriver = logConfig.type;
    if (Object.keys(logConfig.options).length > 0) response.LogOptions = logConfig.options;
    if (container.containerArn) response.ContainerARN = container.containerArn;
  }
  if (container.fractal) response.FractalID = container.fractal.id;
  return response;
}

function networkResponse(network: { readonly networkMode: string; readonly ipv4Addresses: readonly string[] }): NetworkResponse {
  return { ...(network.networkMode ? { NetworkMode: network.networkMode } : {}), ...(network.ipv4Addresses.length > 0 ? { IPv4Addresses: [...network.ipv4Addresses] } : {}) };
}

/** Go's zero values are left out: UNKNOWN status, exit code 0, empty output. */
function healthResponse(container: Container): HealthResponse {
  const health = container.health;
  const response: HealthResponse = {};
  if (health.status !== 'UNKNOWN') response.status = health.status;
  const since = goTime(health.since);
  if (since) response.statusSince = since;
  if (health.exitCode) response.exitCode = health.exitCode;
  if (health.output) response.output = health.output;
  return response;
}

/** LogConfig from the task definition's hostConfig JSON (Go decodes keys case-insensitively). */
function logConfiguration(container: Container): { type: string | undefined; options: Record<string, string> } {
  const none = { type: undefined, options: {} };
  if (!container.dockerConfig.hostConfig) return none;
  let hostConfig: unknown;
  try {
    hostConfig = JSON.parse(container.dockerConfig.hostConfig);
  } catch {
    return none;
  }
  const logConfig = field(hostConfig, 'LogConfig');
  const type = field(logConfig, 'Type');
  const config = field(logConfig, 'Config');
  const options: Record<string, string> = {};
  if (config && typeof config === 'object') for (const [key, value] of Object.entries(config)) if (typeof value === 'string') options[key] = value;
  return { type: typeof type === 'string' && type ? type : undefined, options };
}

function field(value: unknown, name: string): unknown {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (name in record) return record[name];
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function assignTime<K extends string>(target: { [key in K]?: string }, key: K, value: string | undefined): void {
  const formatted = goTime(value);
  if (formatted) target[key] = formatted;
}
