// Task volumes, resolved to what the containers' Binds name: a host path or a Docker volume.

/** Lifecycle of a Docker volume the agent provisions for the task. */
export type VolumeStatus = 'NONE' | 'CREATED' | 'REMOVED';

/** A host directory bound as is. */
export interface HostVolume {
  readonly type: 'host';
  readonly name: string;
  readonly sourcePath: string;
}

/**
 * A host volume without a sourcePath: a `local` Docker volume named
 * `ecs-<family>-<version>-<volume>-<hex>`, created only if a container mounts it, removed with the task.
 */
export interface EmptyHostVolume {
  readonly type: 'emptyHost';
  readonly name: string;
  readonly dockerVolumeName: string;
  knownStatus: VolumeStatus;
}

/**
 * A `docker` volume. Task scope: created under `ecs-<family>-<version>-<volume>-<hex>` and removed
 * with the task. Shared scope: named after the volume; it must exist unless autoprovisioned, and an
 * existing one is compared with this configuration only under ECS_SHARED_VOLUME_MATCH_FULL_CONFIG.
 */
export interface DockerVolume {
  readonly type: 'docker';
  readonly name: string;
  readonly scope: 'task' | 'shared';
  readonly autoprovision: boolean;
  readonly driver: string;
  readonly driverOpts: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly dockerVolumeName: string;
  knownStatus: VolumeStatus;
}

export type TaskVolume = HostVolume | EmptyHostVolume | DockerVolume;

/** What a mount of this volume binds: the host path or the Docker volume name. */
export function volumeSource(volume: TaskVolume): string {
  return volume.type === 'host' ? volume.sourcePath : volume.dockerVolumeName;
}
