import type { ContainerHealth, ContainerMount, ContainerNetwork, PortBinding, TransportProtocol } from '../api';
import type { ContainerInspectInfo } from '../dockerclient';
import { isDockerTime, type ContainerChange } from './task-status-rules';

/** Upstream's message for a container Docker reports OOM-killed. */
export const OOM_ERROR = { name: 'OutOfMemoryError', message: 'Container killed due to memory usage' };

/**
 * What `docker inspect` says about a container, as a change to apply (upstream's
 * DockerStateToContainerState and metadata): Running → RUNNING, Dead → STOPPED, never started and no
 * error → CREATED, otherwise STOPPED; the exit code once it finished; the bound ports.
 */
export function changeFromInspect(info: ContainerInspectInfo, excludeIpv6Bindings: boolean): ContainerChange {
  const state = info.State;
  const status = state.Running ? 'RUNNING' : state.Dead ? 'STOPPED' : !isDockerTime(state.StartedAt) && !state.Error ? 'CREATED' : 'STOPPED';
  const change: ContainerChange = { status, runtimeId: info.Id, imageId: info.Image, createdAt: info.Created };
  if (isDockerTime(state.StartedAt)) change.startedAt = state.StartedAt;
  if (status === 'STOPPED') {
    if (isDockerTime(state.FinishedAt)) {
      change.exitCode = state.ExitCode;
      change.finishedAt = state.FinishedAt;
    }
    if (state.OOMKilled) change.error = OOM_ERROR;
    else if (state.Error) change.error = { name: 'DockerStateError', message: state.Error };
  }
  const bindings = portBindings(info, excludeIpv6Bindings);
  if (bindings.length > 0) change.portBindings = bindings;
  if (status === 'RUNNING' && state.Pid > 0) change.pid = state.Pid;
  // What the task metadata endpoints show (Labels, Volumes, Networks); networks also tell which task a
  // bridge-mode caller of the task server belongs to.
  if (info.Config?.Labels) change.labels = { ...info.Config.Labels };
  change.mounts = mountsFromInspect(info);
  const networks = networksFromInspect(info);
  if (networks.length > 0) change.networks = networks;
  return change;
}

/** `Mounts` as the metadata's volumes: a named volume keeps its name, a bind has none. */
export function mountsFromInspect(info: ContainerInspectInfo): ContainerMount[] {
  return (info.Mounts ?? []).map((mount) => ({
    ...(mount.Type === 'volume' && mount.Name ? { name: mount.Name } : {}),
    source: mount.Source,
    destination: mount.Destination,
  }));
}

/** `NetworkSettings.Networks`: each network by name with its IPv4 address (none in host mode). */
export function networksFromInspect(info: ContainerInspectInfo): ContainerNetwork[] {
  const networks = (info.NetworkSettings?.Networks ?? {}) as Record<string, { IPAddress?: string } | null>;
  return Object.entries(networks).map(([name, network]) => ({ networkMode: name, ipv4Addresses: network?.IPAddress ? [network.IPAddress] : [] }));
}

/** `NetworkSettings.Ports` as ECS network bindings (`{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"32768"}]}`). */
export function portBindings(info: ContainerInspectInfo, excludeIpv6: boolean): PortBinding[] {
  const out: PortBinding[] = [];
  const ports = (info.NetworkSettings?.Ports ?? {}) as Record<string, { HostIp: string; HostPort: string }[] | null>;
  for (const [key, hosts] of Object.entries(ports)) {
    const [port, protocol] = key.split('/');
    for (const host of hosts ?? []) {
      const bindIp = host.HostIp || '0.0.0.0';
      if (excludeIpv6 && bindIp.includes(':')) continue;
      out.push({ containerPort: Number(port), hostPort: Number(host.HostPort), bindIp, protocol: (protocol === 'udp' ? 'udp' : 'tcp') as TransportProtocol });
    }
  }
  return out;
}

/** Docker's health state, with the last probe's output truncated to 1024 characters as upstream. */
export function healthFromInspect(info: ContainerInspectInfo): ContainerHealth | undefined {
  const health = (info.State as { Health?: { Status?: string; Log?: { ExitCode?: number; Output?: string; End?: string }[] } }).Health;
  if (!health?.Status) return undefined;
  const status = health.Status === 'healthy' ? 'HEALTHY' : health.Status === 'unhealthy' ? 'UNHEALTHY' : 'UNKNOWN';
  const last = health.Log?.[health.Log.length - 1];
  return {
    status,
    ...(last?.End ? { since: last.End } : {}),
    ...(last?.ExitCode === undefined ? {} : { exitCode: last.ExitCode }),
    ...(last?.Output === undefined ? {} : { output: last.Output.slice(0, 1024) }),
  };
}
