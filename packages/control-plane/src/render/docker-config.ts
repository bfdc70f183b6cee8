// The ECS backend does not send task definitions to the agent: it pre-renders most container
// settings into two JSON strings in Docker Engine API terms, `config` (container.Config) and
// `hostConfig` (HostConfig), which the agent merges over what it builds itself. This is that
// rendering for one container definition.
import type { ContainerDefinition, EcsJson } from '@fractal-ecs/agent/wire';

const MiB = 1024 * 1024;
const NS_PER_SECOND = 1_000_000_000;
/** ECS health-check defaults, in seconds / attempts. */
const HEALTH_CHECK_DEFAULTS = { interval: 30, timeout: 5, retries: 3 };
const DEVICE_PERMISSION_LETTERS: Record<string, string> = { read: 'r', write: 'w', mknod: 'm' };

export interface RenderedDockerConfig {
  config: Record<string, unknown>;
  hostConfig: Record<string, unknown>;
}

/** `memoryReservation` given here is the effective one (after overrides). */
export function renderDockerConfig(
  definition: EcsJson<ContainerDefinition>,
  networkMode: string,
  effective: { memory?: number; memoryReservation?: number },
): RenderedDockerConfig {
  const config: Record<string, unknown> = {};
  const setConfig = (key: string, value: unknown) => {
    if (value !== undefined) config[key] = value;
  };
  setConfig('Hostname', definition.hostname);
  setConfig('User', definition.user);
  setConfig('WorkingDir', definition.workingDirectory);
  setConfig('Labels', definition.dockerLabels);
  setConfig('Tty', definition.pseudoTerminal);
  setConfig('OpenStdin', definition.interactive);
  setConfig('NetworkDisabled', definition.disableNetworking);
  const health = definition.healthCheck;
  if (health?.command) {
    config.Healthcheck = {
      Test: health.command,
      Interval: (health.interval ?? HEALTH_CHECK_DEFAULTS.interval) * NS_PER_SECOND,
      Timeout: (health.timeout ?? HEALTH_CHECK_DEFAULTS.timeout) * NS_PER_SECOND,
      Retries: health.retries ?? HEALTH_CHECK_DEFAULTS.retries,
      ...(health.startPeriod ? { StartPeriod: health.startPeriod * NS_PER_SECOND } : {}),
    };
  }

  const linux = definition.linuxParameters;
  // The agent's own fixtures always carry both capability lists, empty when unset.
  const hostConfig: Record<string, unknown> = {
    NetworkMode: networkMode,
    CapAdd: linux?.capabilities?.add ?? [],
    CapDrop: linux?.capabilities?.drop ?? [],
  };
  const setHost = (key: string, value: unknown) => {
    if (value !== undefined) hostConfig[key] = value;
  };
  setHost('Privileged', definition.privileged);
  setHost('ReadonlyRootfs', definition.readonlyRootFilesystem);
  setHost('Dns', definition.dnsServers);
  setHost('DnsSearch', definition.dnsSearchDomains);
  setHost('ExtraHosts', definition.extraHosts?.map((host) => `${host.hostname}:${host.ipAddress}`));
  setHost('SecurityOpt', definition.dockerSecurityOptions);
  setHost('Ulimits', definition.ulimits?.map((limit) => ({ Name: limit.name, Soft: limit.softLimit, Hard: limit.hardLimit })));
  setHost('Sysctls', definition.systemControls && Object.fromEntries(definition.systemControls.map((control) => [control.namespace, control.value])));
  if (definition.logConfiguration?.logDriver) {
    hostConfig.LogConfig = { Type: definition.logConfiguration.logDriver, Config: definition.logConfiguration.options ?? {} };
  }
  if (effective.memoryReservation !== undefined) hostConfig.MemoryReservation = effective.memoryReservation * MiB;
  setHost('Init', linux?.initProcessEnabled);
  if (linux?.sharedMemorySize !== undefined) hostConfig.ShmSize = linux.sharedMemorySize * MiB;
  setHost(
    'Devices',
    linux?.devices?.map((device) => ({
      PathOnHost: device.hostPath,
      PathInContainer: device.containerPath ?? device.hostPath,
      CgroupPermissions: device.permissions?.length ? device.permissions.map((p) => DEVICE_PERMISSION_LETTERS[p] ?? '').join('') : 'rwm',
    })),
  );
  setHost(
    'Tmpfs',
    linux?.tmpfs && Object.fromEntries(linux.tmpfs.map((mount) => [mount.containerPath, [...(mount.mountOptions ?? []), `size=${mount.size}m`].join(',')])),
  );
  // Docker's MemorySwap is memory plus swap; maxSwap 0 means no swap at all.
  if (linux?.maxSwap !== undefined && effective.memory !== undefined) hostConfig.MemorySwap = (effective.memory + linux.maxSwap) * MiB;
  setHost('MemorySwappiness', linux?.swappiness);
  return { config, hostConfig };
}
