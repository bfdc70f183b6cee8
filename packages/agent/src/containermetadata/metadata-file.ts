// The container metadata file (ECS_ENABLE_CONTAINER_METADATA): where it lives, how a container sees
// it, and what it says at create and after start. Pure: the writer does the I/O.
import path from 'node:path';
import type { Task } from '../api';
import type { ContainerInspectInfo } from '../dockerclient';
import type { ContainerMetadataFile, NetworkResponse } from '../wire';

export const METADATA_FILE_NAME = 'ecs-container-metadata.json';
export const METADATA_FILE_ENV = 'ECS_CONTAINER_METADATA_FILE';
/** Where the directory is mounted inside the container, under a random UUID. */
export const METADATA_MOUNT_POINT = '/opt/ecs/metadata';

/** What the agent knows about the instance; blank fields are left out of the file. */
export interface InstanceFacts {
  readonly cluster: string;
  readonly containerInstanceArn?: string;
  readonly availabilityZone?: string;
  readonly hostPrivateIPv4Address?: string;
  readonly hostPublicIPv4Address?: string;
}

/**
 * Upstream's task ID for this path: what follows the first `/` of the ARN's resource part, so a
 * long-format ARN (`task/<cluster>/<id>`) gives `<cluster>/<id>`. Throws naming the ARN when it has none.
 */
export function metadataTaskId(taskArn: string): string {
  const parts = taskArn.split(':');
  if (parts.length < 6) throw new Error(`container metadata: task ARN ${JSON.stringify(taskArn)} is not an ARN`);
  const resource = parts.slice(5).join(':');
  const slash = resource.indexOf('/');
  if (slash < 0) throw new Error(`container metadata: task ARN ${JSON.stringify(taskArn)} has no task ID`);
  return resource.slice(slash + 1);
}

/** `<ECS_DATADIR>/metadata/<taskId>/<containerName>` (inside the agent). */
export function metadataDirectory(dataDir: string, taskArn: string, containerName: string): string {
  return path.join(dataDir, 'metadata', metadataTaskId(taskArn), containerName);
}

/** `<ECS_DATADIR>/metadata/<taskId>`: removed at task cleanup. */
export function taskMetadataDirectory(dataDir: string, taskArn: string): string {
  return path.join(dataDir, 'metadata', metadataTaskId(taskArn));
}

/**
 * The bind and the variable a container gets. The host path is ECS_HOST_DATA_DIR joined to the
 * in-agent directory as upstream writes it (`/var/lib/ecs` + `/` + `/data/metadata/...`); `:Z` when
 * Docker runs with SELinux.
 */
export function metadataMount(dataDirOnHost: string, directory: string, uuid: string, selinux: boolean): { bind: string; env: string } {
  const bind = `${dataDirOnHost}/${directory}:${METADATA_MOUNT_POINT}/${uuid}${selinux ? ':Z' : ''}`;
  return { bind, env: `${METADATA_FILE_ENV}=${METADATA_MOUNT_POINT}/${uuid}/${METADATA_FILE_NAME}` };
}

function instanceFields(facts: InstanceFacts): Partial<ContainerMetadataFile> {
  return { ...(facts.cluster ? { Cluster: facts.cluster } : {}), ...(facts.containerInstanceArn ? { ContainerInstanceARN: facts.containerInstanceArn } : {}) };
}

function hostFields(facts: InstanceFacts): Partial<ContainerMetadataFile> {
  return {
    ...(facts.availabilityZone ? { AvailabilityZone: facts.availabilityZone } : {}),
    ...(facts.hostPrivateIPv4Address ? { HostPrivateIPv4Address: facts.hostPrivateIPv4Address } : {}),
    ...(facts.hostPublicIPv4Address ? { HostPublicIPv4Address: facts.hostPublicIPv4Address } : {}),
  };
}

function taskFields(task: Task): Partial<ContainerMetadataFile> {
  return {
    ...(task.arn ? { TaskARN: task.arn } : {}),
    ...(task.family ? { TaskDefinitionFamily: task.family } : {}),
    ...(task.version ? { TaskDefinitionRevision: task.version } : {}),
  };
}

/** Written before docker create: task and container names only (upstream's INITIAL status writes no status field). */
export function initialMetadata(facts: InstanceFacts, task: Task, containerName: string): ContainerMetadataFile {
  return {
    ...instanceFields(facts),
    ...taskFields(task),
    ...(containerName ? { ContainerName: containerName } : {}),
    ...hostFields(facts),
  };
}

/** Rewritten once the container runs, from docker inspect: READY. */
export function readyMetadata(facts: InstanceFacts, task: Task, containerName: string, info: ContainerInspectInfo): ContainerMetadataFile {
  const ports = portMappings(info);
  const networks = inspectNetworks(info);
  return {
    ...instanceFields(facts),
    ...taskFields(task),
    ...(info.Id ? { ContainerID: info.Id } : {}),
    ...(containerName ? { ContainerName: containerName } : {}),
    ...(info.Name ? { DockerContainerName: info.Name } : {}),
    ...(info.Image ? { ImageID: info.Image } : {}),
    ...(info.Config?.Image ? { ImageName: info.Config.Image } : {}),
    ...(ports.length > 0 ? { PortMappings: ports } : {}),
    ...(networks.length > 0 ? { Networks: networks } : {}),
    MetadataFileStatus: 'READY',
    ...hostFields(facts),
  };
}

/** Docker's NetworkSettings.Ports (`{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"32768"}]}`). */
function portMappings(info: ContainerInspectInfo): NonNullable<ContainerMetadataFile['PortMappings']> {
  const out: NonNullable<ContainerMetadataFile['PortMappings']> = [];
  const ports = (info.NetworkSettings?.Ports ?? {}) as Record<string, { HostIp?: string; HostPort?: string }[] | null>;
  for (const [key, hosts] of Object.entries(ports)) {
    const [port, protocol] = key.split('/');
    for (const host of hosts ?? []) {
      out.push({ ContainerPort: Number(port), HostPort: Number(host.HostPort ?? 0), BindIp: host.HostIp ?? '', Protocol: protocol === 'udp' ? 'udp' : 'tcp' });
    }
  }
  return out;
}

/** One entry per Docker network; with none listed, HostConfig's mode and the top-level address (old Docker APIs). */
export function inspectNetworks(info: ContainerInspectInfo): NetworkResponse[] {
  const settings = info.NetworkSettings as (ContainerInspectInfo['NetworkSettings'] & { IPAddress?: string }) | undefined;
  if (!settings) return [];
  const networks = Object.entries(settings.Networks ?? {});
  if (networks.length === 0) return [{ ...(info.HostConfig?.NetworkMode ? { NetworkMode: info.HostConfig.NetworkMode } : {}), IPv4Addresses: [settings.IPAddress ?? ''] }];
  return networks.map(([mode, network]) => ({ NetworkMode: mode, IPv4Addresses: [network.IPAddress ?? ''] }));
}

/** Upstream writes the file indented with tabs. */
export function renderMetadataFile(content: ContainerMetadataFile): string {
  return JSON.stringify(content, null, '\t');
}
