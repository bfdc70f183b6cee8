import { countingRandom } from './counting-random';
import { newDockerContainerName } from './docker-names';
import type { Task } from './task';
import { taskFromAcs } from './task-from-acs';
import type { DockerVolume } from './volume';
import { sharedVolumeAction, volumesMountedBy, volumesToProvision } from './volume-provisioning';

function model(): Task {
  const result = taskFromAcs(
    {
      arn: 'arn:aws:ecs:us-east-1:000000000000:task/default/1',
      family: 'fam',
      version: '2',
      desiredStatus: 'RUNNING',
      volumes: [
        { name: 'host', type: 'host', host: { sourcePath: '/srv' } },
        { name: 'used-empty', type: 'host', host: {} },
        { name: 'unused-empty', type: 'host', host: {} },
        { name: 'task-vol', type: 'docker', dockerVolumeConfiguration: { scope: 'task' } },
        { name: 'shared-vol', type: 'docker', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, labels: { a: '1' }, driverOpts: { o: 'x' } } },
      ],
      containers: [
        { name: 'a', image: 'busybox', mountPoints: [{ sourceVolume: 'host', containerPath: '/h' }, { sourceVolume: 'used-empty', containerPath: '/e' }] },
        { name: 'b', image: 'busybox', mountPoints: [{ sourceVolume: 'shared-vol', containerPath: '/s' }] },
      ],
    },
    {},
    { task: { cpuMemLimit: { enabled: false, explicit: false }, cgroupCpuPeriodMs: 100 } },
    countingRandom(),
  );
  if (!result.ok) throw result.error;
  return result.value;
}

describe('volume provisioning', () => {
  it('provisions Docker volumes, and empty host volumes only when mounted', () => {
    const task = model();
    expect(volumesToProvision(task).map((volume) => volume.name)).toEqual(['used-empty', 'task-vol', 'shared-vol']);
    expect(volumesMountedBy(task, task.containers[0]!).map((volume) => volume.name)).toEqual(['used-empty']);
    expect(volumesMountedBy(task, task.containers[1]!).map((volume) => volume.name)).toEqual(['shared-vol']);
  });

  it('judges an existing shared volume as upstream does', () => {
    const task = model();
    const shared = task.volumes[4] as DockerVolume;
    const notProvisioned = { ...shared, autoprovision: false };
    const same = { labels: { a: '1' }, options: { o: 'x' } };
    expect(sharedVolumeAction(task, shared, undefined, true)).toEqual({ ok: true, value: 'create' });
    expect(sharedVolumeAction(task, shared, { labels: null, options: null }, false)).toEqual({ ok: true, value: 'use' });
    expect(sharedVolumeAction(task, shared, same, true)).toEqual({ ok: true, value: 'use' });
    expect(sharedVolumeAction(task, notProvisioned, same, true)).toEqual({ ok: true, value: 'use' });
    const missing = sharedVolumeAction(task, notProvisioned, undefined, true);
    expect(!missing.ok && missing.error.message).toBe('volumes[4].dockerVolumeConfiguration.autoprovision: false, and no Docker volume "shared-vol" exists');
    const labels = sharedVolumeAction(task, shared, { labels: { a: '2' }, options: { o: 'x' } }, true);
    expect(!labels.ok && labels.error.message).toBe('volumes[4].dockerVolumeConfiguration.labels: {"a":"1"} differ from the existing volume\'s {"a":"2"}');
    const options = sharedVolumeAction(task, shared, { labels: { a: '1' }, options: null }, true);
    expect(!options.ok && options.error.message).toBe('volumes[4].dockerVolumeConfiguration.driverOpts: {"o":"x"} differ from the existing volume\'s {}');
    // Both empty: a match, whether absent or {}.
    const bare = { ...shared, labels: {}, driverOpts: {} };
    expect(sharedVolumeAction(task, bare, { labels: null, options: {} }, true)).toEqual({ ok: true, value: 'use' });
  });
});

describe('newDockerContainerName', () => {
  it('is ecs-<family>-<version>-<name without characters Docker refuses>-<20 hex>', () => {
    expect(newDockerContainerName({ family: 'web', version: '3' }, { name: 'my_app.v2' }, countingRandom())).toBe('ecs-web-3-myappv2-02000000000000000000');
  });
});
