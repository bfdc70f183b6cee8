import type { AgentConfig } from '../config';
import type { Attribute } from '../wire';

/**
 * Every capability attribute this agent advertises, in one place. A capability tells the scheduler
 * what tasks it may place here, so one is listed only once the agent truly implements it: a claim
 * without the feature makes tasks fail on this host. Upstream's full list and its conditions are in
 * reference §1.6; README.md "Capabilities advertised" documents the decisions below.
 */
const LEGACY = 'com.amazonaws.ecs.capability.';
const CAPABILITY = 'ecs.capability.';

/** The Docker API versions upstream probes, oldest first. */
export const PROBED_DOCKER_API_VERSIONS: readonly string[] = Array.from({ length: 16 }, (_, i) => `1.${17 + i}`);

/** Minimum Docker API of each logging driver upstream advertises (awsfirelens is not: no firelens here). */
const LOGGING_DRIVER_MIN_API: Readonly<Record<string, string>> = {
  'json-file': '1.18',
  syslog: '1.18',
  journald: '1.19',
  none: '1.19',
  gelf: '1.20',
  fluentd: '1.20',
  awslogs: '1.21',
  splunk: '1.22',
  logentries: '1.25',
  sumologic: '1.29',
};

/** What Docker supports, as found at startup. */
export interface DockerApiSupport {
  /** The versions of PROBED_DOCKER_API_VERSIONS the daemon serves. Empty when Docker did not answer. */
  readonly apiVersions: readonly string[];
}

interface Capability {
  readonly name: string;
  readonly value?: string;
  /** Docker API version the feature needs. */
  readonly minApi?: string;
  readonly when?: (config: AgentConfig) => boolean;
}

/**
 * Fixed capabilities, one reason each. Not claimed, on purpose: task-eni* and cni versions (no awsvpc),
 * firelens.* and logging-driver.awsfirelens (no firelens), execute-command (no ECS Exec), efs,
 * aws-appmesh, task-eia*, env-files.s3 (environment files are refused), docker-plugin.* (no volume
 * plugin discovery), pid-ipc-namespace-sharing (no namespace pause container), gmsa and
 * fsxWindowsFileServer (Windows only).
 */
const CAPABILITIES: readonly Capability[] = [
  // HostConfig.Privileged from the task definition is passed to Docker (api/docker-create-options).
  { name: `${LEGACY}privileged-container`, when: (c) => !c.capabilities.privilegedDisabled },
  // SELinux / AppArmor labels in dockerSecurityOptions are passed through; claimed only when the host says so.
  { name: `${LEGACY}selinux`, when: (c) => c.capabilities.selinuxCapable },
  { name: `${LEGACY}apparmor`, when: (c) => c.capabilities.apparmorCapable },
  // Task role credentials served on the task server (handlers/taskserver), bridge tasks.
  { name: `${LEGACY}task-iam-role`, minApi: '1.19', when: (c) => c.taskIam.enabled },
  // The same for host-network tasks (credentials ID presented as the capability).
  { name: `${LEGACY}task-iam-role-network-host`, minApi: '1.19', when: (c) => c.taskIam.networkHostEnabled },
  // registryAuthentication type ecr: GetAuthorizationToken with instance or execution-role credentials (execrole/).
  { name: `${LEGACY}ecr-auth`, minApi: '1.19' },
  { name: `${CAPABILITY}execution-role-ecr-pull`, minApi: '1.19' },
  // ecrAuthData.endpointOverride is honoured.
  { name: `${CAPABILITY}ecr-endpoint` },
  // Per-task cgroup /ecs/<taskId> with the task's CPU and memory (api/task-cgroup).
  { name: `${CAPABILITY}task-cpu-mem-limit`, minApi: '1.22', when: (c) => c.tasks.cpuMemLimit.enabled },
  // healthCheckType docker: health read from Docker and reported (api/health-status).
  { name: `${CAPABILITY}container-health-check`, minApi: '1.24', when: (c) => !c.capabilities.dockerHealthCheckDisabled },
  // awslogs-credentials-endpoint set to the execution role's credentials URI.
  { name: `${CAPABILITY}execution-role-awslogs`, when: (c) => c.capabilities.awslogsExecutionRoleOverride },
  // registryAuthentication type asm: registry username/password from a Secrets Manager secret.
  { name: `${CAPABILITY}private-registry-authentication.secretsmanager` },
  // secrets (valueFrom SSM / Secrets Manager) as environment variables, and as log-driver options.
  { name: `${CAPABILITY}secrets.ssm.environment-variables` },
  { name: `${CAPABILITY}secrets.asm.environment-variables` },
  { name: `${CAPABILITY}secrets.ssm.bootstrap.log-driver` },
  { name: `${CAPABILITY}secrets.asm.bootstrap.log-driver` },
  // dependsOn conditions START/COMPLETE/SUCCESS/HEALTHY (engine dependency graph).
  { name: `${CAPABILITY}container-ordering` },
  // Task manifests are acked and stop candidates verified (acs/task-manifest-handler).
  { name: `${CAPABILITY}full-sync` },
];

/** Always sent after the capabilities (not a capability itself). */
const OS_TYPE: Attribute = { name: 'ecs.os-type', value: 'linux' };

/** The probed versions within the daemon's [min, max] API range. */
export function supportedDockerApiVersions(minApi: string | undefined, maxApi: string | undefined): string[] {
  if (!maxApi) return [];
  return PROBED_DOCKER_API_VERSIONS.filter((version) => compareApi(version, maxApi) <= 0 && (!minApi || compareApi(version, minApi) >= 0));
}

export function capabilityAttributes(config: AgentConfig, docker: DockerApiSupport): Attribute[] {
  const supports = (api: string | undefined) => api === undefined || docker.apiVersions.includes(api);
  const names: string[] = docker.apiVersions.map((version) => `${LEGACY}docker-remote-api.${version}`);
  // Upstream's order: logging drivers after the API versions, in the configured order.
  for (const driver of config.docker.availableLoggingDrivers) {
    const minApi = LOGGING_DRIVER_MIN_API[driver];
    if (minApi && supports(minApi)) names.push(`${LEGACY}logging-driver.${driver}`);
  }
  const attributes: Attribute[] = names.map((name) => ({ name }));
  for (const capability of CAPABILITIES) {
    if (!supports(capability.minApi) || !(capability.when?.(config) ?? true)) continue;
    attributes.push(capability.value === undefined ? { name: capability.name } : { name: capability.name, value: capability.value });
  }
  return attributes;
}

/**
 * Registration attributes in upstream's order: ECS_INSTANCE_ATTRIBUTES (first registration only),
 * capabilities (then those found on the host, such as the GPU driver version), then ecs.os-type.
 */
export function registrationAttributes(config: AgentConfig, firstRegistration: boolean, docker: DockerApiSupport, hostCapabilities: readonly Attribute[] = []): Attribute[] {
  const custom = firstRegistration ? Object.entries(config.cluster.instanceAttributes).map(([name, value]) => ({ name, value })) : [];
  return [...custom, ...capabilityAttributes(config, docker), ...hostCapabilities, OS_TYPE];
}

function compareApi(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}
