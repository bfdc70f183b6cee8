import { containerDirectories, withFractalResources } from './fractal-create-options';
import { FRACTAL_ID_LABEL } from './fractal-id';
import type { FractalContainerState } from './fractal-state';
import { acsContainer, containerNamed, rendered, taskModel } from './fractal-test-model';

const P = '%%FRACTAL_ID_PLACEHOLDER%%';
const ALIAS = '%%FRACTAL_CONTAINER_SPECIFIC_DIR_PLACEHOLDER%%';
const ID = '0123456789abcdef'.repeat(4).slice(0, 60);

function state(extra: Partial<FractalContainerState> = {}): FractalContainerState {
  return { id: ID, dirs: [], devices: [], provider: 'none', ...extra };
}

/** The Fractal task definition's volumes (fractal-taskdef-template.json), two containers. */
function fractalTask() {
  return taskModel(
    [
      acsContainer('app', {
        mountPoints: [
          { sourceVolume: 'containerResourceMappings', containerPath: '/fractal/resourceMappings', readOnly: true },
          { sourceVolume: 'userConfigs', containerPath: '/fractal/userConfigs:rshared' },
          { sourceVolume: 'cloudStorage', containerPath: '/fractal/cloudStorage:rshared' },
          { sourceVolume: 'sockets', containerPath: '/tmp/sockets' },
          { sourceVolume: 'udevData', containerPath: '/run/udev/data', readOnly: true },
          { sourceVolume: 'perId', containerPath: `/per/${P}/x/${ALIAS}:rshared` },
        ],
        environment: { SOCKETS: `/fractal/temp/${P}/sockets`, TWICE: `${P}:${ALIAS}`, PLAIN: 'a=b' },
      }),
      acsContainer('other'),
    ],
    {
      volumes: [
        { name: 'containerResourceMappings', type: 'host', host: { sourcePath: `/fractal/${P}/containerResourceMappings` } },
        { name: 'userConfigs', type: 'host', host: { sourcePath: `/fractal/${P}/userConfigs/unpacked_configs` } },
        { name: 'cloudStorage', type: 'host', host: { sourcePath: `/fractalCloudStorage/${P}/` } },
        { name: 'sockets', type: 'host', host: { sourcePath: `/fractal/temp/${P}/sockets/` } },
        { name: 'udevData', type: 'host', host: { sourcePath: '/run/udev/data' } },
        { name: 'perId', type: 'host', host: { sourcePath: `/per-${ALIAS}` } },
      ],
    },
  );
}

describe('withFractalResources', () => {
  it('fills the FractalID into every bind, source and container path, keeping :ro and :rshared', () => {
    const task = fractalTask();
    const options = withFractalResources(rendered(task, 'app'), state());
    expect(options.HostConfig!.Binds).toEqual([
      `/fractal/${ID}/containerResourceMappings:/fractal/resourceMappings:ro`,
      `/fractal/${ID}/userConfigs/unpacked_configs:/fractal/userConfigs:rshared`,
      `/fractalCloudStorage/${ID}/:/fractal/cloudStorage:rshared`,
      `/fractal/temp/${ID}/sockets/:/tmp/sockets`,
      '/run/udev/data:/run/udev/data:ro',
      `/per-${ID}:/per/${ID}/x/${ID}:rshared`,
    ]);
  });

  it('fills environment values, never names, and adds the FractalID label next to the ECS labels', () => {
    const options = withFractalResources(rendered(fractalTask(), 'app'), state());
    expect(options.Env).toEqual(expect.arrayContaining([`SOCKETS=/fractal/temp/${ID}/sockets`, `TWICE=${ID}:${ID}`, 'PLAIN=a=b']));
    expect(options.Labels).toMatchObject({ [FRACTAL_ID_LABEL]: ID, 'com.amazonaws.ecs.container-name': 'app' });
  });

  it('appends the assigned devices after the task definition devices, rwm at the same path', () => {
    const task = taskModel([acsContainer('app', { dockerConfig: { hostConfig: JSON.stringify({ Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rw' }] }) } })]);
    const options = withFractalResources(rendered(task, 'app'), state({ devices: ['/dev/input/event3', '/dev/input/event4'], provider: 'pool' }));
    expect(options.HostConfig!.Devices).toEqual([
      { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rw' },
      { PathOnHost: '/dev/input/event3', PathInContainer: '/dev/input/event3', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/input/event4', PathInContainer: '/dev/input/event4', CgroupPermissions: 'rwm' },
    ]);
  });

  it('maps no devices that were released already', () => {
    const options = withFractalResources(rendered(fractalTask(), 'other'), state({ devices: ['/dev/x'], devicesReleased: true }));
    expect(options.HostConfig!.Devices).toBeUndefined();
  });

  it('leaves a container without placeholders as rendered, but for the label', () => {
    const before = rendered(fractalTask(), 'other');
    const after = withFractalResources(before, state());
    expect({ ...after, Labels: { ...after.Labels } }).toEqual({ ...before, Labels: { ...before.Labels, [FRACTAL_ID_LABEL]: ID } });
    expect(before.Labels![FRACTAL_ID_LABEL]).toBeUndefined();
  });
});

describe('containerDirectories', () => {
  it('lists each placeholder source once, rooted at the first component holding the ID', () => {
    const task = fractalTask();
    expect(containerDirectories(task, containerNamed(task, 'app'), ID)).toEqual([
      { root: `/fractal/${ID}`, path: `/fractal/${ID}/containerResourceMappings` },
      { root: `/fractal/${ID}`, path: `/fractal/${ID}/userConfigs/unpacked_configs` },
      { root: `/fractalCloudStorage/${ID}`, path: `/fractalCloudStorage/${ID}` },
      { root: `/fractal/temp/${ID}`, path: `/fractal/temp/${ID}/sockets` },
      { root: `/per-${ID}`, path: `/per-${ID}` },
    ]);
    expect(containerDirectories(task, containerNamed(task, 'other'), ID)).toEqual([]);
  });

  it('adds the sockets directory template once, when it is not mounted already', () => {
    const task = fractalTask();
    const sockets = containerDirectories(task, containerNamed(task, 'other'), ID, [`/fractal/temp/${P}/sockets`]);
    expect(sockets).toEqual([{ root: `/fractal/temp/${ID}`, path: `/fractal/temp/${ID}/sockets` }]);
    expect(containerDirectories(task, containerNamed(task, 'app'), ID, [`/fractal/temp/${P}/sockets`])).toHaveLength(5);
  });
});
