import { acsContainer, taskModel } from './fractal-test-model';
import { misplacedPlaceholder } from './placeholder-check';

const P = '%%FRACTAL_ID_PLACEHOLDER%%';
const ALIAS = '%%FRACTAL_CONTAINER_SPECIFIC_DIR_PLACEHOLDER%%';

describe('misplacedPlaceholder', () => {
  it('accepts the placeholder in host sourcePath, containerPath (with :rshared) and environment values', () => {
    const task = taskModel(
      [
        acsContainer('app', {
          mountPoints: [
            { sourceVolume: 'cfg', containerPath: `/cfg/${P}:rshared` },
            { sourceVolume: 'cache', containerPath: `/cache/${ALIAS}` },
          ],
          environment: { MY_DIR: `/cfg/${P}` },
          dockerConfig: { config: JSON.stringify({ Env: [`FROM_CONFIG=${P}`] }) },
        }),
      ],
      {
        volumes: [
          { name: 'cfg', type: 'host', host: { sourcePath: `/fractal/${P}/cfg` } },
          { name: 'cache', type: 'docker', dockerVolumeConfiguration: { scope: 'task', driver: 'local' } },
        ],
      },
    );
    expect(misplacedPlaceholder(task)).toBeUndefined();
  });

  it.each([
    [{ volumes: [{ name: `v${P}`, type: 'docker', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'local' } }] }, 'volumes[0].name'],
    [{ volumes: [{ name: `v${ALIAS}`, type: 'host', host: {} }] }, 'volumes[0].name'],
    [{ volumes: [{ name: 'v', type: 'docker', dockerVolumeConfiguration: { scope: 'task', driver: 'local', driverOpts: { device: `/data/${P}` } } }] }, 'volumes[0].dockerVolumeConfiguration.driverOpts.device'],
    [{ volumes: [{ name: 'v', type: 'docker', dockerVolumeConfiguration: { scope: 'task', driver: 'local', labels: { owner: P } } }] }, 'volumes[0].dockerVolumeConfiguration.labels.owner'],
    [{ volumes: [{ name: 'v', type: 'host', host: { sourcePath: `relative/${P}` } }] }, 'volumes[0].host.sourcePath'],
    [{ volumes: [{ name: 'v', type: 'host', host: { sourcePath: `/fractal/${P}/../../etc` } }] }, 'volumes[0].host.sourcePath'],
  ])('refuses a misplaced volume placeholder: %j names %s', (extra, field) => {
    const task = taskModel([acsContainer('app')], extra as never);
    expect(misplacedPlaceholder(task)?.field).toBe(field);
  });

  it.each([
    [{ dockerConfig: { hostConfig: JSON.stringify({ Binds: ['/ok:/ok', `/fractal/${P}:/x`] }) } }, 'containers[0].dockerConfig.hostConfig.Binds[1]', /a bind from dockerConfig is not a task volume/],
    [{ dockerConfig: { hostConfig: JSON.stringify({ Mounts: [{ Type: 'bind', Source: `/f/${P}`, Target: '/t' }] }) } }, 'containers[0].dockerConfig.hostConfig.Mounts[0].Source', /not filled in/],
    [{ dockerConfig: { config: JSON.stringify({ Labels: { id: P } }) } }, 'containers[0].dockerConfig.config.Labels.id', /not filled in/],
    [{ dockerConfig: { config: JSON.stringify({ Env: [`${P}=x`] }) } }, 'containers[0].dockerConfig.config.Env[0]', /not filled in/],
    [{ environment: { [`DIR_${P}`]: 'x' } }, 'containers[0].environment', /variable name/],
    [{ command: ['sh', '-c', `echo ${P}`] }, 'containers[0].command[2]', /cannot carry/],
    [{ image: `busybox:${P}` }, 'containers[0].image', /cannot carry/],
  ])('refuses a misplaced container placeholder: %j names %s', (extra, field, problem) => {
    const task = taskModel([acsContainer('app', extra as never)]);
    const found = misplacedPlaceholder(task);
    expect(found?.field).toBe(field);
    expect(found?.problem).toMatch(problem);
  });

  it('names the container by its index', () => {
    const task = taskModel([acsContainer('a'), acsContainer('b', { entryPoint: [P] })]);
    expect(misplacedPlaceholder(task)?.field).toBe('containers[1].entryPoint[0]');
  });
});
