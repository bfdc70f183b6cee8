// One ACS container -> model container: its own fields, checked. Cross-container references
// (volumesFrom, links, dependsOn targets, mount volumes) are checked by taskFromAcs, which sees them all.
import { parseContainerSecret } from '../execrole/secret-reference';
import type { AcsContainer } from '../wire';
import type { Container, ContainerDependency, DependencyCondition, MountPoint, PortMapping, VolumeFrom } from './container';
import { CONTAINER_CONFIG_FIELDS, HOST_CONFIG_FIELDS, mergeDockerJson } from './docker-json-merge';
import { UNKNOWN_HEALTH } from './health-status';
import { modelError, modelOk, type ModelResult } from './task-model-error';

const TASK_DEFINITION_CONDITIONS: readonly DependencyCondition[] = ['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'];
const MAX_PORT = 65535;

/** What the task needs from each container's pre-rendered HostConfig. */
export interface ParsedContainer {
  readonly container: Container;
  /** HostConfig.NetworkMode, when the dockerConfig names one. */
  readonly networkMode?: string;
}

export function containerFromAcs(acs: AcsContainer, index: number, v3EndpointId: string): ModelResult<ParsedContainer> {
  const field = `containers[${index}]`;
  const name = acs.name ?? '';
  if (name === '') return modelError(`${field}.name`, 'missing');
  const image = acs.image ?? '';
  if (image === '') return modelError(`${field}.image`, 'missing');
  for (const key of ['cpu', 'memory', 'startTimeout', 'stopTimeout'] as const) {
    const value = acs[key];
    if (value !== undefined && value < 0) return modelError(`${field}.${key}`, `must not be negative, got ${value}`);
  }
  // Secrets are fetched with the execution role before create (execrole/); a malformed one fails now.
  for (const [i, secret] of (acs.secrets ?? []).entries()) {
    const parsed = parseContainerSecret(secret);
    if (typeof parsed === 'string') return modelError(`${field}.secrets[${i}]`, parsed);
  }
  // The agent cannot fetch these (S3, the firelens sidecar), and running without them would silently
  // change what the container sees.
  if (acs.environmentFiles?.length) return modelError(`${field}.environmentFiles`, 'environment files are not supported by this agent');
  if (acs.firelensConfiguration) return modelError(`${field}.firelensConfiguration`, 'firelens is not supported by this agent');

  const command = commandOverride(acs.overrides, `${field}.overrides`);
  if (!command.ok) return command;
  const portMappings = parsePortMappings(acs, field);
  if (!portMappings.ok) return portMappings;
  const mountPoints: MountPoint[] = [];
  for (const [i, mount] of (acs.mountPoints ?? []).entries()) {
    if (!mount.sourceVolume) return modelError(`${field}.mountPoints[${i}].sourceVolume`, 'missing');
    if (!mount.containerPath) return modelError(`${field}.mountPoints[${i}].containerPath`, 'missing');
    mountPoints.push({ sourceVolume: mount.sourceVolume, containerPath: mount.containerPath, readOnly: mount.readOnly ?? false });
  }
  const volumesFrom: VolumeFrom[] = [];
  for (const [i, from] of (acs.volumesFrom ?? []).entries()) {
    if (!from.sourceContainer) return modelError(`${field}.volumesFrom[${i}].sourceContainer`, 'missing');
    volumesFrom.push({ sourceContainer: from.sourceContainer, readOnly: from.readOnly ?? false });
  }
  const dependsOn: ContainerDependency[] = [];
  for (const [i, dependency] of (acs.dependsOn ?? []).entries()) {
    if (!dependency.containerName) return modelError(`${field}.dependsOn[${i}].containerName`, 'missing');
    const condition = dependency.condition as DependencyCondition;
    if (!TASK_DEFINITION_CONDITIONS.includes(condition)) {
      return modelError(`${field}.dependsOn[${i}].condition`, `must be one of ${TASK_DEFINITION_CONDITIONS.join(', ')}, got ${JSON.stringify(dependency.condition)}`);
    }
    dependsOn.push({ containerName: dependency.containerName, condition });
  }

  // Parsed now so a bad string fails the task before anything runs; rendering merges them again.
  const dockerConfig = acs.dockerConfig ?? {};
  let networkMode: string | undefined;
  if (dockerConfig.config !== undefined) {
    const config = mergeDockerJson({}, dockerConfig.config, CONTAINER_CONFIG_FIELDS);
    if (!config.ok) return modelError(`${field}.dockerConfig.config`, config.problem);
    if (acs.healthCheckType === 'docker' && config.value.Healthcheck === undefined) {
      return modelError(`${field}.dockerConfig.config`, 'healthCheckType is "docker" but the config has no Healthcheck');
    }
  } else if (acs.healthCheckType === 'docker') {
    return modelError(`${field}.dockerConfig.config`, 'healthCheckType is "docker" but there is no config with a Healthcheck');
  }
  if (dockerConfig.hostConfig !== undefined) {
    const hostConfig = mergeDockerJson({}, dockerConfig.hostConfig, HOST_CONFIG_FIELDS);
    if (!hostConfig.ok) return modelError(`${field}.dockerConfig.hostConfig`, hostConfig.problem);
    if (typeof hostConfig.value.NetworkMode === 'string' && hostConfig.value.NetworkMode !== '') networkMode = hostConfig.value.NetworkMode;
  }

  const effectiveCommand = command.value ?? acs.command;
  const container: Container = {
    name,
    image,
    ...(effectiveCommand ? { command: effectiveCommand } : {}),
    ...(acs.entryPoint ? { entryPoint: acs.entryPoint } : {}),
    cpu: acs.cpu ?? 0,
    memory: acs.memory ?? 0,
    // Upstream's zero value; ECS always sends it.
    essential: acs.essential ?? false,
    links: acs.links ?? [],
    environment: { ...acs.environment },
    environmentFiles: [],
    portMappings: portMappings.value,
    mountPoints,
    volumesFrom,
    dependsOn,
    dockerConfig: {
      ...(dockerConfig.version !== undefined ? { version: dockerConfig.version } : {}),
      ...(dockerConfig.config !== undefined ? { config: dockerConfig.config } : {}),
      ...(dockerConfig.hostConfig !== undefined ? { hostConfig: dockerConfig.hostConfig } : {}),
    },
    ...(acs.healthCheckType ? { healthCheckType: acs.healthCheckType } : {}),
    ...(acs.registryAuthentication ? { registryAuthentication: acs.registryAuthentication } : {}),
    ...(acs.logsAuthStrategy ? { logsAuthStrategy: acs.logsAuthStrategy } : {}),
    secrets: acs.secrets ?? [],
    startTimeout: acs.startTimeout ?? 0,
    stopTimeout: acs.stopTimeout ?? 0,
    ...(acs.containerArn ? { containerArn: acs.containerArn } : {}),
    type: 'NORMAL',
    steadyState: 'RUNNING',
    v3EndpointId,
    desiredStatus: 'NONE',
    knownStatus: 'NONE',
    sentStatus: 'NONE',
    knownPortBindings: [],
    health: UNKNOWN_HEALTH,
  };
  return modelOk(networkMode === undefined ? { container } : { container, networkMode });
}

/** `overrides` is a JSON string; its `command` (any letter case, as Go reads it) replaces the container's. */
function commandOverride(text: string | undefined, field: string): ModelResult<readonly string[] | undefined> {
  if (text === undefined) return modelOk(undefined);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return modelError(field, `invalid JSON ${JSON.stringify(text)} (${(error as Error).message})`);
  }
  if (parsed === null) return modelOk(undefined);
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return modelError(field, `must be a JSON object, got ${JSON.stringify(parsed)}`);
  const entry = Object.entries(parsed).find(([key]) => key.toLowerCase() === 'command');
  if (!entry || entry[1] === null) return modelOk(undefined);
  const command = entry[1];
  if (!Array.isArray(command) || !command.every((part) => typeof part === 'string')) {
    return modelError(`${field}.command`, `must be a list of strings, got ${JSON.stringify(command)}`);
  }
  return modelOk(command);
}

function parsePortMappings(acs: AcsContainer, field: string): ModelResult<PortMapping[]> {
  const mappings: PortMapping[] = [];
  for (const [i, mapping] of (acs.portMappings ?? []).entries()) {
    const at = `${field}.portMappings[${i}]`;
    const containerPort = mapping.containerPort ?? 0;
    if (containerPort < 1 || containerPort > MAX_PORT) return modelError(`${at}.containerPort`, `must be 1-${MAX_PORT}, got ${containerPort}`);
    const hostPort = mapping.hostPort ?? 0;
    if (hostPort < 0 || hostPort > MAX_PORT) return modelError(`${at}.hostPort`, `must be 0-${MAX_PORT}, got ${hostPort}`);
    // Upstream reads a missing protocol as tcp and refuses anything but tcp and udp.
    const protocol = mapping.protocol ?? 'tcp';
    if (protocol !== 'tcp' && protocol !== 'udp') return modelError(`${at}.protocol`, `must be "tcp" or "udp", got ${JSON.stringify(protocol)}`);
    mappings.push({ containerPort, hostPort, protocol });
  }
  return modelOk(mappings);
}
