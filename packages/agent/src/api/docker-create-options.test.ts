import type { AcsContainer, AcsTask } from '../wire';
import type { Container } from './container';
import { countingRandom } from './counting-random';
import { renderContainerCreateOptions } from './docker-create-options';
import type { Task } from './task';
import { taskFromAcs, type TaskModelConfig } from './task-from-acs';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:task/default/0123abcd';
const limitsOff: TaskModelConfig = { task: { cpuMemLimit: { enabled: false, explicit: false }, cgroupCpuPeriodMs: 100 } };
const facts = { cluster: 'default' };
const V3 = '00000000-0000-4000-8000-000000000001';
const metadataEnv = [`ECS_CONTAINER_METADATA_URI=http://169.254.170.2/v3/${V3}`, `ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/${V3}`];
const labels = {
  'com.amazonaws.ecs.task-arn': ARN,
  'com.amazonaws.ecs.container-name': 'app',
  'com.amazonaws.ecs.task-definition-family': 'web',
  'com.amazonaws.ecs.task-definition-version': '3',
  'com.amazonaws.ecs.cluster': 'default',
};

function container(name: string, extra: Partial<AcsContainer> = {}): AcsContainer {
  return { name, image: 'busybox', essential: true, cpu: 0, memory: 64, overrides: '{}', ...extra };
}

/** Builds the model and gives every container a Docker name `d-<name>`, as the engine records before create. */
function model(containers: AcsContainer[], extra: Partial<AcsTask> = {}, config = limitsOff): Task {
  const result = taskFromAcs({ arn: ARN, family: 'web', version: '3', desiredStatus: 'RUNNING', containers, ...extra }, {}, config, countingRandom());
  if (!result.ok) throw result.error;
  for (const each of result.value.containers) each.dockerName = `d-${each.name}`;
  return result.value;
}

function render(task: Task, name = 'app') {
  const target = task.containers.find((each) => each.name === name) as Container;
  const result = renderContainerCreateOptions(task, target, facts);
  if (!result.ok) throw result.error;
  return result.value;
}

function renderError(task: Task, name = 'app'): string {
  const result = renderContainerCreateOptions(task, task.containers.find((each) => each.name === name)!, facts);
  if (result.ok) throw new Error('expected an error');
  return result.error.message;
}

describe('renderContainerCreateOptions', () => {
  it('builds the base Config and HostConfig when ECS sends no dockerConfig', () => {
    const task = model([
      container('app', {
        command: ['sh', '-c', 'sleep 1'],
        entryPoint: ['/bin/init'],
        cpu: 0,
        memory: 128,
        environment: { A: '1' },
        portMappings: [
          { containerPort: 80, hostPort: 0, protocol: 'tcp' },
          { containerPort: 80, hostPort: 8080, protocol: 'tcp' },
          { containerPort: 53, hostPort: 5353, protocol: 'udp' },
        ],
      }),
    ]);
    expect(render(task)).toEqual({
      name: 'd-app',
      Image: 'busybox',
      Cmd: ['sh', '-c', 'sleep 1'],
      Entrypoint: ['/bin/init'],
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      Env: ['A=1', ...metadataEnv],
      Labels: labels,
      HostConfig: {
        Links: [],
        Binds: [],
        PortBindings: {
          '80/tcp': [
            { HostIp: '', HostPort: '0' },
            { HostIp: '', HostPort: '8080' },
          ],
          '53/udp': [{ HostIp: '', HostPort: '5353' }],
        },
        VolumesFrom: [],
        Memory: 134217728,
        CpuShares: 2,
      },
    });
  });

  it('raises memory below 4 MiB to 4 MiB, keeps 0 as no limit, and gives at least 2 CPU shares', () => {
    const task = model([container('app', { memory: 2, cpu: 1 }), container('free', { memory: 0, cpu: 700 })]);
    expect([render(task).HostConfig?.Memory, render(task).HostConfig?.CpuShares]).toEqual([4194304, 2]);
    expect([render(task, 'free').HostConfig?.Memory, render(task, 'free').HostConfig?.CpuShares]).toEqual([0, 700]);
  });

  it('binds host paths and Docker volumes, links and takes volumes by Docker name', () => {
    const task = model(
      [
        container('app', {
          links: ['db:database', 'cache'],
          volumesFrom: [
            { sourceContainer: 'data', readOnly: true },
            { sourceContainer: 'cache', readOnly: false },
          ],
          mountPoints: [
            { sourceVolume: 'logs', containerPath: '/logs', readOnly: false },
            { sourceVolume: 'scratch', containerPath: '/scratch', readOnly: true },
            { sourceVolume: 'shared', containerPath: '/shared' },
          ],
        }),
        container('db'),
        container('cache'),
        container('data'),
      ],
      {
        volumes: [
          { name: 'logs', type: 'host', host: { sourcePath: '/var/log/app' } },
          { name: 'scratch', type: 'host', host: {} },
          { name: 'shared', type: 'docker', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true } },
        ],
      },
    );
    const hostConfig = render(task).HostConfig!;
    expect(hostConfig.Links).toEqual(['d-db:database', 'd-cache:cache']);
    expect(hostConfig.VolumesFrom).toEqual(['d-data:ro', 'd-cache']);
    expect(hostConfig.Binds).toEqual(['/var/log/app:/logs', 'ecs-web-3-scratch-02000000000000000000:/scratch:ro', 'shared:/shared']);
  });

  it('merges the dockerConfig strings over the base as Go does: scalars and lists replace, maps merge, null clears, keys in any case', () => {
    const task = model([
      container('app', {
        command: ['base'],
        portMappings: [{ containerPort: 80, hostPort: 0 }],
        dockerConfig: {
          config: JSON.stringify({
            cmd: 'echo hi',
            User: 'nobody',
            Labels: { team: 'a', 'com.amazonaws.ecs.cluster': 'spoofed' },
            ExposedPorts: { '9000/tcp': {} },
            Env: null,
            NotADockerField: 1,
            HostConfig: { Privileged: true },
          }),
          hostConfig: JSON.stringify({
            PortBindings: { '9000/tcp': [{ HostPort: '9000' }] },
            binds: ['/etc:/host-etc:ro'],
            Memory: null,
            cpushares: 1024,
            LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } },
            MemoryReservation: 33554432,
            Links: null,
          }),
        },
      }),
    ]);
    expect(render(task)).toEqual({
      name: 'd-app',
      Image: 'busybox',
      Cmd: ['echo hi'],
      ExposedPorts: { '80/tcp': {}, '9000/tcp': {} },
      User: 'nobody',
      NotADockerField: 1,
      Labels: { team: 'a', ...labels },
      HostConfig: {
        Binds: ['/etc:/host-etc:ro'],
        PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '0' }], '9000/tcp': [{ HostPort: '9000' }] },
        VolumesFrom: [],
        Memory: 67108864,
        CpuShares: 1024,
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } },
        MemoryReservation: 33554432,
      },
    });
  });

  it('applies the task cgroup, pid and ipc modes and the awslogs execution-role endpoint over the strings', () => {
    const task = model(
      [
        container('app', {
          logsAuthStrategy: 'ExecutionRole',
          dockerConfig: { hostConfig: '{"CgroupParent":"/mine","PidMode":"","LogConfig":{"Type":"awslogs","Config":{"awslogs-group":"g"}}}' },
        }),
      ],
      { pidMode: 'host', ipcMode: 'none', executionRoleCredentials: { credentialsId: 'exec-1' } },
      { task: { cpuMemLimit: { enabled: true, explicit: true }, cgroupCpuPeriodMs: 100 } },
    );
    const hostConfig = render(task).HostConfig!;
    expect([hostConfig.CgroupParent, hostConfig.PidMode, hostConfig.IpcMode]).toEqual(['/ecs/0123abcd', 'host', 'none']);
    expect(hostConfig.LogConfig).toEqual({ Type: 'awslogs', Config: { 'awslogs-group': 'g', 'awslogs-credentials-endpoint': '/v2/credentials/exec-1' } });
  });

  it('refuses what only rendering can find, naming the field', () => {
    const unnamed = model([container('app')]);
    delete unnamed.containers[0]!.dockerName;
    expect(renderError(unnamed)).toBe('containers[0].dockerName: not chosen yet: record it before create');

    const linked = model([container('db'), container('app', { links: ['db'], volumesFrom: [{ sourceContainer: 'db' }] })]);
    delete linked.containers[0]!.dockerName;
    expect(renderError(linked)).toBe('containers[1].links[0]: link target "db" has no Docker container yet');

    const sharing = model([container('db'), container('app', { volumesFrom: [{ sourceContainer: 'db' }] })]);
    delete sharing.containers[0]!.dockerName;
    expect(renderError(sharing)).toBe('containers[1].volumesFrom[0].sourceContainer: "db" has no Docker container yet');

    const noExecutionRole = model([container('app', { logsAuthStrategy: 'ExecutionRole' })]);
    expect(renderError(noExecutionRole)).toBe('containers[0].logsAuthStrategy: ExecutionRole, but the task has no execution role credentials');
  });
});
