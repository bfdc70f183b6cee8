import type { AcsContainer, AcsTask } from '../wire';
import { countingRandom } from './counting-random';
import { taskFromAcs, type TaskModelConfig } from './task-from-acs';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:task/default/0123abcd';
const limitsOff: TaskModelConfig = { task: { cpuMemLimit: { enabled: false, explicit: false }, cgroupCpuPeriodMs: 100 } };
const limitsOn: TaskModelConfig = { task: { cpuMemLimit: { enabled: true, explicit: true }, cgroupCpuPeriodMs: 100 } };

function container(name: string, extra: Partial<AcsContainer> = {}): AcsContainer {
  return { name, image: 'busybox', essential: true, cpu: 0, memory: 64, overrides: '{}', ...extra };
}

function acsTask(extra: Partial<AcsTask> = {}): AcsTask {
  return { arn: ARN, family: 'web', version: '3', desiredStatus: 'RUNNING', containers: [container('app')], ...extra };
}

function build(task: AcsTask, config = limitsOff, seqNum?: number) {
  return taskFromAcs(task, seqNum === undefined ? {} : { seqNum }, config, countingRandom());
}

function errorOf(task: AcsTask, config = limitsOff): string {
  const result = build(task, config);
  if (result.ok) throw new Error('expected an error');
  return result.error.message;
}

describe('taskFromAcs', () => {
  it('builds the task and container model with the agent environment', () => {
    const result = build(
      acsTask({
        cpu: 0.25,
        memory: 512,
        launchType: 'EC2',
        roleCredentials: { credentialsId: 'cred-1' },
        executionRoleCredentials: { credentialsId: 'exec-1' },
        containers: [
          container('app', {
            command: ['sleep', '1'],
            entryPoint: ['sh', '-c'],
            environment: { A: '1', ECS_CONTAINER_METADATA_URI: 'mine' },
            portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }, { containerPort: 53, protocol: 'udp' }, { containerPort: 8080 }],
            stopTimeout: 2,
            startTimeout: 5,
            dockerConfig: { config: '{}', hostConfig: '{"NetworkMode":"host"}' },
          }),
        ],
      }),
      limitsOff,
      7,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        arn: ARN,
        family: 'web',
        version: '3',
        cpu: 0.25,
        memory: 512,
        networkMode: 'host',
        launchType: 'EC2',
        startSequenceNumber: 7,
        stopSequenceNumber: 0,
        credentialsId: 'cred-1',
        executionCredentialsId: 'exec-1',
        desiredStatus: 'RUNNING',
        knownStatus: 'NONE',
        sentStatus: 'NONE',
        volumes: [],
        containers: [
          {
            name: 'app',
            image: 'busybox',
            command: ['sleep', '1'],
            entryPoint: ['sh', '-c'],
            cpu: 0,
            memory: 64,
            essential: true,
            links: [],
            environment: {
              A: '1',
              ECS_CONTAINER_METADATA_URI: 'http://169.254.170.2/v3/00000000-0000-4000-8000-000000000001',
              ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/00000000-0000-4000-8000-000000000001',
              AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/cred-1',
            },
            environmentFiles: [],
            portMappings: [
              { containerPort: 80, hostPort: 0, protocol: 'tcp' },
              { containerPort: 53, hostPort: 0, protocol: 'udp' },
              { containerPort: 8080, hostPort: 0, protocol: 'tcp' },
            ],
            mountPoints: [],
            volumesFrom: [],
            dependsOn: [],
            dockerConfig: { config: '{}', hostConfig: '{"NetworkMode":"host"}' },
            secrets: [],
            startTimeout: 5,
            stopTimeout: 2,
            type: 'NORMAL',
            steadyState: 'RUNNING',
            v3EndpointId: '00000000-0000-4000-8000-000000000001',
            desiredStatus: 'NONE',
            knownStatus: 'NONE',
            sentStatus: 'NONE',
            knownPortBindings: [],
            health: { status: 'UNKNOWN' },
          },
        ],
      },
    });
  });

  it('takes the stop seqNum for a STOPPED task, and leaves out the credentials URI without a role', () => {
    const result = build(acsTask({ desiredStatus: 'STOPPED' }), limitsOff, 9);
    if (!result.ok) throw result.error;
    expect([result.value.startSequenceNumber, result.value.stopSequenceNumber, result.value.desiredStatus]).toEqual([0, 9, 'STOPPED']);
    expect(Object.keys(result.value.containers[0]!.environment)).toEqual(['ECS_CONTAINER_METADATA_URI', 'ECS_CONTAINER_METADATA_URI_V4']);
    expect(result.value.networkMode).toBe('bridge');
  });

  it('replaces the command with overrides.command (matched in any case, as Go reads JSON)', () => {
    const result = build(
      acsTask({ containers: [container('a', { command: ['old'], overrides: '{"command":["new","x"]}' }), container('b', { command: ['keep'], overrides: '{"Command":null}' }), container('c', { overrides: '{"COMMAND":["c"]}' })] }),
    );
    if (!result.ok) throw result.error;
    expect(result.value.containers.map((c) => c.command)).toEqual([['new', 'x'], ['keep'], ['c']]);
  });

  it('adds CREATE for volumesFrom and START for links after the dependsOn of the task definition', () => {
    const result = build(
      acsTask({
        containers: [
          container('web', {
            dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }],
            volumesFrom: [{ sourceContainer: 'data', readOnly: true }],
            links: ['db:database', 'cache'],
          }),
          container('init', { essential: false }),
          container('data', { essential: false }),
          container('db'),
          container('cache'),
        ],
      }),
    );
    if (!result.ok) throw result.error;
    expect(result.value.containers[0]!.dependsOn).toEqual([
      { containerName: 'init', condition: 'SUCCESS' },
      { containerName: 'data', condition: 'CREATE' },
      { containerName: 'db', condition: 'START' },
      { containerName: 'cache', condition: 'START' },
    ]);
    expect(result.value.containers[0]!.volumesFrom).toEqual([{ sourceContainer: 'data', readOnly: true }]);
  });

  it('resolves volumes: host paths, empty host and task-scoped Docker volumes named per task, shared ones by name', () => {
    const result = build(
      acsTask({
        volumes: [
          { name: 'logs', type: 'host', host: { sourcePath: '/var/log/app' } },
          { name: 'scratch', type: 'host', host: {} },
          { name: 'old-format', host: { sourcePath: '' } },
          { name: 'cache', type: 'docker', dockerVolumeConfiguration: { scope: 'task', autoprovision: false, driver: 'local', driverOpts: { type: 'tmpfs' }, labels: { a: 'b' } } },
          { name: 'shared', type: 'docker', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: '', labels: {} } },
        ],
      }),
    );
    if (!result.ok) throw result.error;
    expect(result.value.volumes).toEqual([
      { type: 'host', name: 'logs', sourcePath: '/var/log/app' },
      { type: 'emptyHost', name: 'scratch', dockerVolumeName: 'ecs-web-3-scratch-02000000000000000000', knownStatus: 'NONE' },
      { type: 'emptyHost', name: 'old-format', dockerVolumeName: 'ecs-web-3-old-format-04000000000000000000', knownStatus: 'NONE' },
      {
        type: 'docker',
        name: 'cache',
        scope: 'task',
        autoprovision: false,
        driver: 'local',
        driverOpts: { type: 'tmpfs' },
        labels: { a: 'b' },
        dockerVolumeName: 'ecs-web-3-cache-06000000000000000000',
        knownStatus: 'NONE',
      },
      { type: 'docker', name: 'shared', scope: 'shared', autoprovision: true, driver: 'local', driverOpts: {}, labels: {}, dockerVolumeName: 'shared', knownStatus: 'NONE' },
    ]);
  });

  it('sizes the task cgroup when task CPU/memory limits are on', () => {
    const withCpu = build(acsTask({ cpu: 0.5, memory: 256 }), limitsOn);
    if (!withCpu.ok) throw withCpu.error;
    expect(withCpu.value.cgroup).toEqual({ root: '/ecs/0123abcd', cpuPeriodUs: 100000, cpuQuotaUs: 50000, memoryLimitBytes: 268435456 });
    const shares = build(acsTask({ containers: [container('a', { cpu: 512 }), container('b', { cpu: 1 })] }), limitsOn);
    if (!shares.ok) throw shares.error;
    expect(shares.value.cgroup).toEqual({ root: '/ecs/0123abcd', cpuShares: 514 });
    const off = build(acsTask({ cpu: 0.5 }), limitsOff);
    expect(off.ok && off.value.cgroup).toBeUndefined();
  });

  it.each([
    [{ arn: '' }, 'arn: missing'],
    [{ desiredStatus: 'PENDING' }, 'desiredStatus: must be "RUNNING" or "STOPPED", got "PENDING"'],
    [{ containers: [] }, 'containers: a task needs at least one container'],
    [{ containers: [container('a'), container('a')] }, 'containers[1].name: duplicate container "a"'],
    [{ containers: [container('')] }, 'containers[0].name: missing'],
    [{ containers: [container('a', { image: '' })] }, 'containers[0].image: missing'],
    [{ containers: [container('a', { overrides: '{"command":' })] }, 'containers[0].overrides: invalid JSON "{\\"command\\":" (Unexpected end of JSON input)'],
    [{ containers: [container('a', { overrides: '{"command":"sh"}' })] }, 'containers[0].overrides.command: must be a list of strings, got "sh"'],
    [{ containers: [container('a', { volumesFrom: [{ sourceContainer: 'x' }] })] }, 'containers[0].volumesFrom[0].sourceContainer: no container named "x"'],
    [{ containers: [container('a'), container('b', { volumesFrom: [{ sourceContainer: 'b' }] })] }, 'containers[1].volumesFrom[0].sourceContainer: a container cannot take volumes from itself'],
    [{ containers: [container('a', { links: ['db'] })] }, 'containers[0].links[0]: no container named "db"'],
    [{ containers: [container('a', { links: ['db:x:y'] }), container('db')] }, 'containers[0].links[0]: must be "name" or "name:alias", got "db:x:y"'],
    [{ containers: [container('a', { dependsOn: [{ containerName: 'ghost', condition: 'START' }] })] }, 'containers[0].dependsOn[0].containerName: no container named "ghost"'],
    [{ containers: [container('a', { dependsOn: [{ containerName: 'a', condition: 'START' }] })] }, 'containers[0].dependsOn: dependency cycle "a" -> "a"'],
    [
      {
        containers: [
          container('a', { dependsOn: [{ containerName: 'b', condition: 'COMPLETE' }] }),
          container('b', { links: ['c'] }),
          container('c', { volumesFrom: [{ sourceContainer: 'a' }] }),
        ],
      },
      'containers[0].dependsOn: dependency cycle "a" -> "b" -> "c" -> "a"',
    ],
    [{ containers: [container('a', { dependsOn: [{ containerName: 'b', condition: 'CREATE' }] }), container('b')] }, 'containers[0].dependsOn[0].condition: must be one of START, COMPLETE, SUCCESS, HEALTHY, got "CREATE"'],
    [{ containers: [container('a', { dependsOn: [{ containerName: 'b', condition: 'HEALTHY' }] }), container('b')] }, 'containers[0].dependsOn[0].condition: HEALTHY needs a health check on "b"'],
    [{ containers: [container('a', { mountPoints: [{ sourceVolume: 'nope', containerPath: '/x' }] })] }, 'containers[0].mountPoints[0].sourceVolume: no volume named "nope"'],
    [{ containers: [container('a', { mountPoints: [{ sourceVolume: 'v', containerPath: '' }] })], volumes: [{ name: 'v', type: 'host', host: {} }] }, 'containers[0].mountPoints[0].containerPath: missing'],
    [{ containers: [container('a', { portMappings: [{ containerPort: 80, protocol: 'sctp' }] })] }, 'containers[0].portMappings[0].protocol: must be "tcp" or "udp", got "sctp"'],
    [{ containers: [container('a', { portMappings: [{ hostPort: 80 }] })] }, 'containers[0].portMappings[0].containerPort: must be 1-65535, got 0'],
    [{ containers: [container('a', { portMappings: [{ containerPort: 80, hostPort: 70000 }] })] }, 'containers[0].portMappings[0].hostPort: must be 0-65535, got 70000'],
    [{ containers: [container('a', { cpu: -1 })] }, 'containers[0].cpu: must not be negative, got -1'],
    [{ containers: [container('a', { dockerConfig: { config: '{"Labels":' } })] }, 'containers[0].dockerConfig.config: invalid JSON "{\\"Labels\\":" (Unexpected end of JSON input)'],
    [{ containers: [container('a', { dockerConfig: { hostConfig: '{"Memory":"lots"}' } })] }, 'containers[0].dockerConfig.hostConfig: Memory: must be an integer, got "lots"'],
    [{ containers: [container('a', { dockerConfig: { hostConfig: '[]' } })] }, 'containers[0].dockerConfig.hostConfig: must be a JSON object, got []'],
    [{ containers: [container('a', { healthCheckType: 'docker', dockerConfig: { config: '{}' } })] }, 'containers[0].dockerConfig.config: healthCheckType is "docker" but the config has no Healthcheck'],
    [{ containers: [container('a', { secrets: [{ name: 'S', valueFrom: '' }] })] }, 'containers[0].secrets[0]: valueFrom of "S": missing'],
    [
      { containers: [container('a', { secrets: [{ name: 'S', provider: 'asm', valueFrom: 'arn:aws:secretsmanager:us-east-1:1:secret:db:password:AWSCURRENT:v-1' }] })] },
      'containers[0].secrets[0]: valueFrom of "S": "arn:aws:secretsmanager:us-east-1:1:secret:db:password:AWSCURRENT:v-1" names both a version stage and a version ID; give one',
    ],
    [{ containers: [container('a', { secrets: [{ name: 'S', valueFrom: 'p', target: 'VOLUME' }] })] }, 'containers[0].secrets[0]: target of "S": expected CONTAINER or LOG_DRIVER, got "VOLUME"'],
    [{ volumes: [{ name: 'v' }, { name: 'v' }] }, 'volumes[1].name: duplicate volume "v"'],
    [{ volumes: [{ name: '' }] }, 'volumes[0].name: missing'],
    [{ volumes: [{ name: 'v', type: 'nfs' }] }, 'volumes[0].type: unrecognized volume type "nfs"'],
    [{ volumes: [{ name: 'v', type: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }] }, 'volumes[0].type: "efs" volumes are not supported by this agent'],
    [{ volumes: [{ name: 'v', type: 'docker' }] }, 'volumes[0].dockerVolumeConfiguration: missing for a volume of type "docker"'],
    [{ volumes: [{ name: 'v', type: 'docker', dockerVolumeConfiguration: { scope: 'global' } }] }, 'volumes[0].dockerVolumeConfiguration.scope: must be "task" or "shared", got "global"'],
    [{ elasticNetworkInterfaces: [{ ec2Id: 'eni-1' }] }, 'elasticNetworkInterfaces: awsvpc tasks are not supported by this agent'],
    [{ pidMode: 'task' }, 'pidMode: only "host" is supported, got "task"'],
  ] as [Partial<AcsTask>, string][])('refuses %j: %s', (extra, message) => {
    expect(errorOf(acsTask(extra))).toBe(message);
  });

  it('refuses task limits the cgroup cannot hold', () => {
    expect(errorOf(acsTask({ cpu: 12 }), limitsOn)).toBe('cpu: 12 vCPU is more than the 10 vCPU a task cgroup supports');
    expect(errorOf(acsTask({ memory: 32 }), limitsOn)).toBe("containers[0].memory: 64 MiB is more than the task's memory (32 MiB)");
  });

  it('returns a TaskModelError carrying the field', () => {
    const result = build(acsTask({ containers: [container('a', { links: ['zz'] })] }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(Error);
    expect([result.error.name, result.error.field, result.error.problem]).toEqual(['TaskModelError', 'containers[0].links[0]', 'no container named "zz"']);
  });
});
