import type { HostPaths } from '@fractal-ecs/common';

/** Docker log configuration of the agent container (ECS_LOG_DRIVER / ECS_LOG_OPTS). */
export interface AgentLogConfig {
  Type: string;
  Config: Record<string, string>;
}

/**
 * Everything ecs-init reads from its own process environment (systemd fills it from ecs.config via
 * EnvironmentFile). Parsed once by readInitSettings; invalid values are logged and defaulted there.
 */
export interface InitSettings {
  paths: HostPaths;
  /** amazon/amazon-ecs-agent:latest unless ECS_INIT_AGENT_IMAGE names a fork's image. */
  agentImage: string;
  /** ecs-agent unless ECS_INIT_AGENT_CONTAINER_NAME is set. */
  agentContainerName: string;
  /** Path of the Docker socket (DOCKER_HOST=unix://... or /var/run/docker.sock). */
  dockerSocket: string;
  /** Raw DOCKER_HOST from the process env, kept for the socket bind rule. */
  dockerHostEnv: string | undefined;
  skipLocalhostTrafficFilter: boolean;
  allowOffhostIntrospectionAccess: boolean;
  /** Validated ECS_OFFHOST_INTROSPECTION_INTERFACE_NAME; undefined means "every non-loopback interface". */
  offhostIntrospectionInterface: string | undefined;
  logConfig: AgentLogConfig;
  /** ECS_EXTERNAL=true: ECS Anywhere host. */
  external: boolean;
  runPrivileged: boolean;
  pidNamespaceHost: boolean;
  /** ECS_LOGLEVEL for ecs-init's own log. */
  logLevel: string;
  /** credentials-fetcher (gMSA) socket: CREDENTIALS_FETCHER_HOST without unix://, or the default. */
  credentialsFetcherSocket: string;
}
