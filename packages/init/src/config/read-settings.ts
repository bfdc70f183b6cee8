import { parseGoBool, parseLogLevel, type HostPaths, type Logger } from '@fractal-ecs/common';
import { isValidInterfaceName } from './interface-name';
import { agentLogConfig } from './log-config';
import type { InitSettings } from './settings';

export const DEFAULT_AGENT_IMAGE = 'amazon/amazon-ecs-agent:latest';
export const DEFAULT_AGENT_CONTAINER_NAME = 'ecs-agent';
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
export const DEFAULT_CREDENTIALS_FETCHER_SOCKET = '/var/credentials-fetcher/socket/credentials_fetcher.sock';

type Env = Record<string, string | undefined>;
type Log = Pick<Logger, 'warn' | 'error'>;

/** Reads ecs-init's own knobs from its process environment; every invalid value is logged and defaulted. */
export function readInitSettings(env: Env, paths: HostPaths, log: Log): InitSettings {
  const bool = (name: string) => readBool(env, name, log);
  return {
    paths,
    agentImage: env.ECS_INIT_AGENT_IMAGE || DEFAULT_AGENT_IMAGE,
    agentContainerName: env.ECS_INIT_AGENT_CONTAINER_NAME || DEFAULT_AGENT_CONTAINER_NAME,
    dockerSocket: unixPath(env.DOCKER_HOST) ?? DEFAULT_DOCKER_SOCKET,
    dockerHostEnv: env.DOCKER_HOST,
    skipLocalhostTrafficFilter: bool('ECS_SKIP_LOCALHOST_TRAFFIC_FILTER'),
    allowOffhostIntrospectionAccess: bool('ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS'),
    offhostIntrospectionInterface: readInterfaceName(env.ECS_OFFHOST_INTROSPECTION_INTERFACE_NAME, log),
    logConfig: agentLogConfig(env, log),
    external: bool('ECS_EXTERNAL'),
    runPrivileged: bool('ECS_AGENT_RUN_PRIVILEGED'),
    pidNamespaceHost: bool('ECS_AGENT_PID_NAMESPACE_HOST'),
    logLevel: readLogLevel(env.ECS_LOGLEVEL, log),
    credentialsFetcherSocket: unixPath(env.CREDENTIALS_FETCHER_HOST) ?? DEFAULT_CREDENTIALS_FETCHER_SOCKET,
  };
}

/** The path of a unix:// address; undefined for anything else (TCP DOCKER_HOST values are ignored upstream). */
export function unixPath(address: string | undefined): string | undefined {
  return address?.startsWith('unix://') ? address.slice('unix://'.length) : undefined;
}

function readBool(env: Env, name: string, log: Log): boolean {
  const value = env[name];
  if (value === undefined || value === '') return false;
  const parsed = parseGoBool(value);
  if (parsed === undefined) {
    log.error(`Failed to parse value for ${name} [${value}]: not a boolean (true/false/1/0/t/f). Default it to false.`);
    return false;
  }
  return parsed;
}

function readInterfaceName(value: string | undefined, log: Log): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (isValidInterfaceName(value)) return value;
  log.error(
    `ECS_OFFHOST_INTROSPECTION_INTERFACE_NAME interface name is invalid, falling back to default: ${JSON.stringify(value)}`,
  );
  return undefined;
}

function readLogLevel(value: string | undefined, log: Log): string {
  if (value === undefined || value === '') return 'info';
  if (parseLogLevel(value) !== undefined) return value.toLowerCase();
  log.error(`log level mapping not found: ECS_LOGLEVEL=${value}, using info`);
  return 'info';
}
