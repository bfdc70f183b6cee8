// Pure transforms: what the FractalID changes in a container's Docker create options, and which host
// directories its binds need. The engine renders the options from the model first; this runs last.
import path from 'node:path';
import type { Container, Task } from '../api';
import type { ContainerCreateOptions } from '../dockerclient';
import { FRACTAL_ID_LABEL } from './fractal-id';
import type { FractalContainerState } from './fractal-state';
import { fillPlaceholders, hasPlaceholder } from './placeholder';

/** A host directory to create: `root` is the container-specific part (removed after cleanup), `path` the full bind source. */
export interface ContainerDirectory {
  readonly root: string;
  readonly path: string;
}

/**
 * The container-specific directories: every host volume the container mounts whose sourcePath holds
 * the placeholder, plus `extraTemplates` (the uinput sockets directory), with the FractalID filled in.
 * The root is the path up to the first component holding the placeholder; what is above it is shared.
 */
export function containerDirectories(task: Pick<Task, 'volumes'>, container: Pick<Container, 'mountPoints'>, fractalId: string, extraTemplates: readonly string[] = []): ContainerDirectory[] {
  const templates: string[] = [];
  for (const mount of container.mountPoints) {
    const volume = task.volumes.find((candidate) => candidate.name === mount.sourceVolume);
    if (volume?.type === 'host' && hasPlaceholder(volume.sourcePath)) templates.push(volume.sourcePath);
  }
  templates.push(...extraTemplates.filter(hasPlaceholder));
  const directories = new Map<string, ContainerDirectory>();
  for (const template of templates) {
    const parts = template.split('/');
    const first = parts.findIndex(hasPlaceholder);
    const root = path.posix.normalize(fillPlaceholders(parts.slice(0, first + 1).join('/'), fractalId));
    const full = path.posix.normalize(fillPlaceholders(template, fractalId)).replace(/(.)\/$/, '$1');
    directories.set(full, { root, path: full });
  }
  return [...directories.values()];
}

/**
 * The create options with the container's Fractal resources: the placeholder filled in every bind
 * (source and container path, whatever follows them such as `:rshared` kept) and every environment
 * value, the FractalID label, and the assigned devices appended to HostConfig.Devices with `rwm`.
 * Binds from dockerConfig never hold a placeholder here: the task was refused at model time.
 */
export function withFractalResources(options: ContainerCreateOptions, state: FractalContainerState): ContainerCreateOptions {
  const fill = (text: string) => fillPlaceholders(text, state.id);
  const hostConfig = options.HostConfig ?? {};
  const devices = state.devicesReleased ? [] : state.devices.map((device) => ({ PathOnHost: device, PathInContainer: device, CgroupPermissions: 'rwm' }));
  return {
    ...options,
    ...(options.Env ? { Env: options.Env.map((entry) => fillEnvValue(entry, fill)) } : {}),
    Labels: { ...options.Labels, [FRACTAL_ID_LABEL]: state.id },
    HostConfig: {
      ...hostConfig,
      ...(hostConfig.Binds ? { Binds: hostConfig.Binds.map(fill) } : {}),
      ...(devices.length > 0 ? { Devices: [...(hostConfig.Devices ?? []), ...devices] } : {}),
    },
  };
}

/** `NAME=value`: only the value is filled in (names holding the placeholder were refused). */
function fillEnvValue(entry: string, fill: (text: string) => string): string {
  const equals = entry.indexOf('=');
  return equals < 0 ? entry : entry.slice(0, equals + 1) + fill(entry.slice(equals + 1));
}
