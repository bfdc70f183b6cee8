// Which Docker volumes a task needs the agent to create, and how an existing shared volume is judged
// (upstream's initializeDockerLocalVolumes / addTaskScopedVolumes / addSharedVolumes). The engine
// does the Docker calls; these rules stay here.
import type { Container } from './container';
import type { Task } from './task';
import { modelError, modelOk, type ModelResult } from './task-model-error';
import type { DockerVolume, EmptyHostVolume, TaskVolume } from './volume';

export type ProvisionedVolume = EmptyHostVolume | DockerVolume;

function isProvisioned(volume: TaskVolume): volume is ProvisionedVolume {
  return volume.type !== 'host';
}

/**
 * The Docker volumes to set up before containers are created: every task- or shared-scoped `docker`
 * volume, and an empty-host volume only when a container mounts it.
 */
export function volumesToProvision(task: Pick<Task, 'volumes' | 'containers'>): ProvisionedVolume[] {
  const mounted = new Set(task.containers.flatMap((container) => container.mountPoints.map((mount) => mount.sourceVolume)));
  return task.volumes.filter(isProvisioned).filter((volume) => volume.type === 'docker' || mounted.has(volume.name));
}

/** The Docker volumes that must be ready (CREATED) before this container is created. */
export function volumesMountedBy(task: Pick<Task, 'volumes'>, container: Pick<Container, 'mountPoints'>): ProvisionedVolume[] {
  const names = new Set(container.mountPoints.map((mount) => mount.sourceVolume));
  return task.volumes.filter(isProvisioned).filter((volume) => names.has(volume.name));
}

/** What `docker volume inspect` said about a shared volume's name. */
export interface ExistingVolume {
  readonly labels: Readonly<Record<string, string>> | null;
  readonly options: Readonly<Record<string, string>> | null;
}

/**
 * For a shared volume: `create` it, or `use` the one that exists. Without autoprovision it must
 * exist. An existing one is compared (labels, then driver options) only with
 * ECS_SHARED_VOLUME_MATCH_FULL_CONFIG; the driver is never compared, as upstream.
 */
export function sharedVolumeAction(
  task: Pick<Task, 'volumes'>,
  volume: DockerVolume,
  existing: ExistingVolume | undefined,
  matchFullConfig: boolean,
): ModelResult<'create' | 'use'> {
  const field = `volumes[${task.volumes.findIndex((candidate) => candidate.name === volume.name)}]`;
  if (!volume.autoprovision) {
    return existing ? modelOk('use') : modelError(`${field}.dockerVolumeConfiguration.autoprovision`, `false, and no Docker volume ${JSON.stringify(volume.dockerVolumeName)} exists`);
  }
  if (!existing) return modelOk('create');
  if (!matchFullConfig) return modelOk('use');
  if (!sameMap(existing.labels, volume.labels)) {
    return modelError(`${field}.dockerVolumeConfiguration.labels`, `${JSON.stringify(volume.labels)} differ from the existing volume's ${JSON.stringify(existing.labels ?? {})}`);
  }
  if (!sameMap(existing.options, volume.driverOpts)) {
    return modelError(`${field}.dockerVolumeConfiguration.driverOpts`, `${JSON.stringify(volume.driverOpts)} differ from the existing volume's ${JSON.stringify(existing.options ?? {})}`);
  }
  return modelOk('use');
}

/** Empty and absent are the same. */
function sameMap(a: Readonly<Record<string, string>> | null, b: Readonly<Record<string, string>>): boolean {
  const left = Object.entries(a ?? {});
  return left.length === Object.keys(b).length && left.every(([key, value]) => Object.hasOwn(b, key) && b[key] === value);
}
