// Model -> the body of `POST /containers/create` (upstream's createContainer with dockerConfig and
// dockerHostConfig): the agent's base Config and HostConfig, the ECS-rendered JSON strings merged
// over them by Go's rules, then what the agent always decides itself (labels, cgroup parent, pid and
// ipc modes, the awslogs credentials endpoint). A pure function of the task, the container and a few
// host facts, so per-container substitutions can wrap it.
import type { ContainerCreateOptions } from 'dockerode';
import type { Container } from './container';
import { CONTAINER_CONFIG_FIELDS, HOST_CONFIG_FIELDS, mergeDockerJson } from './docker-json-merge';
import { credentialsRelativeUri } from './agent-environment';
import { parseLink } from './container-link';
import type { Task } from './task';
import { modelError, modelOk, type ModelResult } from './task-model-error';
import { volumeSource } from './volume';

const MiB = 1024 * 1024;
/** Docker refuses less; upstream raises smaller non-zero limits to this. */
const MIN_MEMORY_BYTES = 4 * MiB;
/** Docker reads 0 shares as 1024 and Linux refuses 1, so upstream sends at least 2. */
const MIN_CPU_SHARES = 2;
const LABEL_PREFIX = 'com.amazonaws.ecs.';
const AWSLOGS_CREDENTIALS_ENDPOINT_OPTION = 'awslogs-credentials-endpoint';
/** Keys of the create body that are not Config fields: never taken from the config string. */
const CREATE_BODY_KEYS = new Set(['name', 'hostconfig', 'networkingconfig']);

export interface RenderFacts {
  /** ECS_CLUSTER as configured (`default` when unset): the `com.amazonaws.ecs.cluster` label. */
  readonly cluster: string;
}

export function renderContainerCreateOptions(task: Task, container: Container, facts: RenderFacts): ModelResult<ContainerCreateOptions> {
  const index = task.containers.findIndex((candidate) => candidate.name === container.name);
  const field = `containers[${index}]`;
  if (!container.dockerName) return modelError(`${field}.dockerName`, 'not chosen yet: record it before create');

  const config = renderConfig(task, container, field, facts);
  if (!config.ok) return config;
  const hostConfig = renderHostConfig(task, container, field);
  if (!hostConfig.ok) return hostConfig;
  return modelOk({ ...config.value, name: container.dockerName, HostConfig: hostConfig.value } as ContainerCreateOptions);
}

function renderConfig(task: Task, container: Container, field: string, facts: RenderFacts): ModelResult<Record<string, unknown>> {
  const base: Record<string, unknown> = {
    Image: container.image,
    ...(container.command ? { Cmd: [...container.command] } : {}),
    ...(container.entryPoint ? { Entrypoint: [...container.entryPoint] } : {}),
    ExposedPorts: Object.fromEntries(container.portMappings.map((mapping) => [`${mapping.containerPort}/${mapping.protocol}`, {}])),
    Env: Object.entries(container.environment).map(([key, value]) => `${key}=${value}`),
  };
  let config = base;
  if (container.dockerConfig.config !== undefined) {
    const merged = mergeDockerJson(base, container.dockerConfig.config, CONTAINER_CONFIG_FIELDS);
    if (!merged.ok) return modelError(`${field}.dockerConfig.config`, merged.problem);
    config = Object.fromEntries(Object.entries(merged.value).filter(([key]) => !CREATE_BODY_KEYS.has(key.toLowerCase())));
  }
  if (container.healthCheckType === 'docker' && config.Healthcheck === undefined) {
    return modelError(`${field}.dockerConfig.config`, 'healthCheckType is "docker" but the config has no Healthcheck');
  }
  // Set last, so dockerLabels cannot take these keys.
  config.Labels = {
    ...(config.Labels as Record<string, string> | undefined),
    [`${LABEL_PREFIX}task-arn`]: task.arn,
    [`${LABEL_PREFIX}container-name`]: container.name,
    [`${LABEL_PREFIX}task-definition-family`]: task.family,
    [`${LABEL_PREFIX}task-definition-version`]: task.version,
    [`${LABEL_PREFIX}cluster`]: facts.cluster,
  };
  return modelOk(config);
}

function renderHostConfig(task: Task, container: Container, field: string): ModelResult<Record<string, unknown>> {
  const dockerNameOf = (name: string) => task.containers.find((other) => other.name === name)?.dockerName;

  const links: string[] = [];
  for (const [i, link] of container.links.entries()) {
    const parsed = parseLink(link);
    if (!parsed) return modelError(`${field}.links[${i}]`, `must be "name" or "name:alias", got ${JSON.stringify(link)}`);
    const target = dockerNameOf(parsed.name);
    if (!target) return modelError(`${field}.links[${i}]`, `link target ${JSON.stringify(parsed.name)} has no Docker container yet`);
    links.push(`${target}:${parsed.alias}`);
  }
  const volumesFrom: string[] = [];
  for (const [i, from] of container.volumesFrom.entries()) {
    const source = dockerNameOf(from.sourceContainer);
    if (!source) return modelError(`${field}.volumesFrom[${i}].sourceContainer`, `${JSON.stringify(from.sourceContainer)} has no Docker container yet`);
    volumesFrom.push(from.readOnly ? `${source}:ro` : source);
  }
  const binds: string[] = [];
  for (const [i, mount] of container.mountPoints.entries()) {
    const volume = task.volumes.find((candidate) => candidate.name === mount.sourceVolume);
    if (!volume) return modelError(`${field}.mountPoints[${i}].sourceVolume`, `no volume named ${JSON.stringify(mount.sourceVolume)}`);
    const source = volumeSource(volume);
    if (source === '' || mount.containerPath === '') {
      return modelError(`${field}.mountPoints[${i}]`, `cannot bind ${JSON.stringify(source)} to ${JSON.stringify(mount.containerPath)}`);
    }
    binds.push(`${source}:${mount.containerPath}${mount.readOnly ? ':ro' : ''}`);
  }
  const portBindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const mapping of container.portMappings) {
    const key = `${mapping.containerPort}/${mapping.protocol}`;
    (portBindings[key] ??= []).push({ HostIp: '', HostPort: String(mapping.hostPort) });
  }
  const memory = container.memory * MiB;

  const base: Record<string, unknown> = {
    Links: links,
    Binds: binds,
    PortBindings: portBindings,
    VolumesFrom: volumesFrom,
    Memory: memory > 0 && memory < MIN_MEMORY_BYTES ? MIN_MEMORY_BYTES : memory,
    CpuShares: Math.max(container.cpu, MIN_CPU_SHARES),
  };
  let hostConfig = base;
  if (container.dockerConfig.hostConfig !== undefined) {
    const merged = mergeDockerJson(base, container.dockerConfig.hostConfig, HOST_CONFIG_FIELDS);
    if (!merged.ok) return modelError(`${field}.dockerConfig.hostConfig`, merged.problem);
    hostConfig = merged.value;
  }

  // The agent's own decisions win over the rendered strings.
  if (task.cgroup) hostConfig.CgroupParent = task.cgroup.root;
  if (task.pidMode === 'host') hostConfig.PidMode = 'host';
  if (task.ipcMode === 'host' || task.ipcMode === 'none') hostConfig.IpcMode = task.ipcMode;
  if (container.logsAuthStrategy === 'ExecutionRole') {
    if (!task.executionCredentialsId) return modelError(`${field}.logsAuthStrategy`, 'ExecutionRole, but the task has no execution role credentials');
    const logConfig = (hostConfig.LogConfig ?? {}) as { Type?: string; Config?: Record<string, string> | null };
    hostConfig.LogConfig = {
      ...logConfig,
      Config: { ...logConfig.Config, [AWSLOGS_CREDENTIALS_ENDPOINT_OPTION]: credentialsRelativeUri(task.executionCredentialsId) },
    };
  }
  return modelOk(hostConfig);
}
