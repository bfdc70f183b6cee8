// ACS task volumes -> model volumes (upstream's TaskVolume unmarshalling plus the Docker volume
// naming of PostUnmarshalTask).
import type { AcsVolume } from '../wire';
import { taskVolumeName } from './docker-names';
import type { RandomSource } from './random-source';
import { modelError, modelOk, type ModelResult } from './task-model-error';
import type { TaskVolume } from './volume';

export function volumeFromAcs(
  acs: AcsVolume,
  index: number,
  task: { readonly family: string; readonly version: string },
  random: RandomSource,
): ModelResult<TaskVolume> {
  const field = `volumes[${index}]`;
  const name = acs.name ?? '';
  if (name === '') return modelError(`${field}.name`, 'missing');
  switch (acs.type ?? '') {
    // No type is the old payload format: a host volume.
    case '':
    case 'host': {
      const sourcePath = acs.host?.sourcePath ?? '';
      if (sourcePath !== '') return modelOk({ type: 'host', name, sourcePath });
      return modelOk({ type: 'emptyHost', name, dockerVolumeName: taskVolumeName(task.family, task.version, name, random), knownStatus: 'NONE' });
    }
    case 'docker': {
      const docker = acs.dockerVolumeConfiguration;
      if (!docker) return modelError(`${field}.dockerVolumeConfiguration`, 'missing for a volume of type "docker"');
      // ECS's default scope is task; it always sends one.
      const scope = docker.scope ?? 'task';
      if (scope !== 'task' && scope !== 'shared') return modelError(`${field}.dockerVolumeConfiguration.scope`, `must be "task" or "shared", got ${JSON.stringify(scope)}`);
      return modelOk({
        type: 'docker',
        name,
        scope,
        autoprovision: docker.autoprovision ?? false,
        driver: docker.driver || 'local',
        driverOpts: { ...docker.driverOpts },
        labels: { ...docker.labels },
        dockerVolumeName: scope === 'task' ? taskVolumeName(task.family, task.version, name, random) : name,
        knownStatus: 'NONE',
      });
    }
    case 'efs':
    case 'fsxWindowsFileServer':
      return modelError(`${field}.type`, `${JSON.stringify(acs.type)} volumes are not supported by this agent`);
    default:
      return modelError(`${field}.type`, `unrecognized volume type ${JSON.stringify(acs.type)}`);
  }
}
