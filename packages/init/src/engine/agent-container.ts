import type { Logger } from '@fractal-ecs/common';
import { parseAgentLabels, unixPath, type EnvMap, type InitSettings } from '../config';
import type { AgentContainerSpec, AgentHostConfig } from '../docker';
import { CLOUD_INIT_RESULT, type HostFacts } from './host-facts';

export interface AgentContainerInput {
  settings: InitSettings;
  /** ecs.config files merged (instance, then user). */
  agentConfig: EnvMap;
  /** API version the Docker daemon speaks. */
  dockerApiVersion: string;
  host: HostFacts;
}

/** Defaults the agent gets unless ecs.config says otherwise. Container-side paths. */
const DEFAULT_ENV: EnvMap = {
  ECS_LOGFILE: '/log/ecs-agent.log',
  ECS_DATADIR: '/data',
  ECS_AGENT_CONFIG_FILE_PATH: '/etc/ecs/ecs.config.json',
  ECS_UPDATE_DOWNLOAD_DIR: '/var/cache/ecs',
  ECS_UPDATES_ENABLED: 'true',
  ECS_AVAILABLE_LOGGING_DRIVERS: '["json-file","syslog","awslogs","fluentd","none"]',
  ECS_ENABLE_TASK_IAM_ROLE: 'true',
  ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST: 'true',
  ECS_EBSTA_SUPPORTED: 'true',
  ECS_AGENT_LABELS: '',
  ECS_VOLUME_PLUGIN_CAPABILITIES: '["efsAuth"]',
};

/** The agent container ecs-init creates: env, labels and host config, from configuration and host facts. */
export function buildAgentContainer(input: AgentContainerInput, log: Pick<Logger, 'error'>): AgentContainerSpec {
  const env = agentEnv(input);
  return {
    name: input.settings.agentContainerName,
    image: input.settings.agentImage,
    env: Object.keys(env)
      .sort()
      .map((key) => `${key}=${env[key]}`),
    labels: parseAgentLabels(env.ECS_AGENT_LABELS, log),
    hostConfig: agentHostConfig(input),
  };
}

/** Defaults, then host-derived values, then every ecs.config key, then the overrides that must win. */
export function agentEnv({ settings, agentConfig, dockerApiVersion, host }: AgentContainerInput): EnvMap {
  const env: EnvMap = { ...DEFAULT_ENV, ECS_DETAILED_OS_FAMILY: host.osFamily };
  if (host.certsDir) env.SSL_CERT_DIR = host.certsDir;
  env.CREDENTIALS_FETCHER_HOST_DIR = settings.credentialsFetcherSocket;
  env.ECS_ENABLE_TASK_ENI = 'true';
  env.ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE = 'true';
  Object.assign(env, agentConfig);
  // awsvpc needs the agent not to be PID 1 (Init) and is unavailable off EC2.
  if (settings.external || !supportsInit(dockerApiVersion)) env.ECS_ENABLE_TASK_ENI = 'false';
  if (!host.ebsDirExists) env.ECS_EBSTA_SUPPORTED = 'false';
  return env;
}

export function agentHostConfig({ settings, agentConfig, dockerApiVersion, host }: AgentContainerInput): AgentHostConfig {
  const hostConfig: AgentHostConfig = {
    Binds: agentBinds(settings, agentConfig, host),
    NetworkMode: 'host',
    // Works when the daemon remaps user namespaces.
    UsernsMode: 'host',
    LogConfig: settings.logConfig,
  };
  if (!settings.external) hostConfig.CapAdd = ['NET_ADMIN', 'SYS_ADMIN'];
  if (supportsInit(dockerApiVersion)) hostConfig.Init = true;
  if (settings.runPrivileged) hostConfig.Privileged = true;
  if (settings.pidNamespaceHost) hostConfig.PidMode = 'host';
  // Fractal's uinput provider makes input devices per task container through the host's /dev/uinput.
  if (agentConfig.ECS_FRACTAL_DEVICE_PROVIDER?.trim() === 'uinput') {
    hostConfig.Devices = [{ PathOnHost: '/dev/uinput', PathInContainer: '/dev/uinput', CgroupPermissions: 'rwm' }];
  }
  return hostConfig;
}

/** Bind mounts in upstream's order. ECS directories come from the root; system paths are the host's own. */
export function agentBinds(settings: InitSettings, agentConfig: EnvMap, host: HostFacts): string[] {
  const { paths } = settings;
  const binds = [
    dockerSocketBind(settings.dockerHostEnv, agentConfig.DOCKER_HOST),
    `${paths.logDir}:/log`,
    `${paths.dataDir}:/data`,
    `${paths.etcEcs}:/etc/ecs`,
    `${paths.cacheDir}:/var/cache/ecs`,
    `${host.cgroupMountpoint}:/sys/fs/cgroup`,
    `${paths.libEcs}:/var/lib/ecs`,
    `${paths.execLogDir}:/log/exec`,
  ];
  if (host.pkiDir) binds.push(`${host.pkiDir}:${host.pkiDir}:ro`);
  if (settings.external) binds.push('/root/.aws:/rotatingcreds:ro');
  if (agentConfig.ECS_ENABLE_GPU_SUPPORT === 'true' && host.nvidiaDevicesPresent) {
    binds.push(`${paths.gpuDir}:/var/lib/ecs/gpu`);
  }
  if (agentConfig.ECS_GMSA_SUPPORTED === 'true' && host.credentialsFetcherSocketExists) {
    binds.push(`${settings.credentialsFetcherSocket}:${settings.credentialsFetcherSocket}`);
  }
  binds.push(
    '/run/docker/plugins:/run/docker/plugins:ro',
    '/etc/docker/plugins:/etc/docker/plugins:ro',
    '/usr/lib/docker/plugins:/usr/lib/docker/plugins:ro',
  );
  // Only when present, so Docker does not create empty directories on the host.
  if (host.managedAgentsDirExists) binds.push(`${paths.depsDir}:/managed-agents:ro`);
  if (host.execCommandDirExists) {
    binds.push(`${paths.depsDir}/execute-command/config:/managed-agents/execute-command/config`);
  }
  // The agent runs iptables and inspects the host with the host's binaries and libraries.
  binds.push(
    '/proc:/host/proc:ro',
    '/usr/lib:/usr/lib:ro',
    '/lib:/lib:ro',
    '/usr/lib64:/usr/lib64:ro',
    '/lib64:/lib64:ro',
    '/sbin:/host/sbin:ro',
    '/etc/alternatives:/etc/alternatives:ro',
    '/usr/sbin:/usr/sbin:ro',
    '/usr/bin/lsblk:/usr/bin/lsblk',
  );
  if (host.nsenterPath) binds.push(`${host.nsenterPath}:${host.nsenterPath}`);
  if (host.modinfoPath) binds.push(`${host.modinfoPath}:${host.modinfoPath}`);
  if (!settings.external && host.cloudInitResultExists) binds.push(`${CLOUD_INIT_RESULT}:${CLOUD_INIT_RESULT}:ro`);
  // Fractal: the agent makes per-container directories (and finds pool devices) on the host, so it sees
  // the host's / where ECS_FRACTAL_HOST_ROOT says; rslave so mounts made later on the host show up too.
  const fractalHostRoot = agentConfig.ECS_FRACTAL_HOST_ROOT?.trim();
  if (fractalHostRoot?.startsWith('/') && fractalHostRoot !== '/') binds.push(`/:${fractalHostRoot}:rslave`);
  return binds;
}

/**
 * The whole /var/run by default, so a socket Docker recreates on restart stays visible. With a
 * unix:// DOCKER_HOST the socket itself, mounted where the agent's own DOCKER_HOST expects it.
 */
function dockerSocketBind(processDockerHost: string | undefined, agentDockerHost: string | undefined): string {
  const source = unixPath(processDockerHost);
  if (source === undefined) return '/var/run:/var/run';
  return `${source}:${unixPath(agentDockerHost) ?? '/var/run/docker.sock'}`;
}

/** Docker API >= 1.25 (where HostConfig.Init exists). */
export function supportsInit(apiVersion: string): boolean {
  const [major = 0, minor = 0] = apiVersion.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return major > 1 || (major === 1 && minor >= 25);
}
