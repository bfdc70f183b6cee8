import type { EcsJson, TaskDefinition } from '@fractal-ecs/agent/wire';
import { renderAcsTask, taskCpuUnits, taskMemoryMiB } from './acs-task';

const base = { taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/default/t1', desiredStatus: 'RUNNING' as const, accountId: '000000000000', region: 'us-east-1' };

describe('renderAcsTask', () => {
  it('renders the container-ordering-complete definition (volumes, dependsOn, working directory)', () => {
    const definition: EcsJson<TaskDefinition> = {
      family: 'ecsftest-container-ordering-complete-condition',
      revision: 3,
      networkMode: 'bridge',
      containerDefinitions: [
        {
          name: 'complete',
          image: '127.0.0.1:51670/busybox:latest',
          cpu: 0,
          memory: 64,
          essential: true,
          workingDirectory: '/test',
          command: ['sh', '-c', 'cat test.txt'],
          dependsOn: [{ containerName: 'complete-dependency', condition: 'COMPLETE' }],
          mountPoints: [{ sourceVolume: 'volume1', containerPath: '/test' }],
        },
      ],
      volumes: [{ name: 'volume1' }],
    };
    expect(renderAcsTask({ ...base, definition })).toEqual({
      arn: base.taskArn,
      family: 'ecsftest-container-ordering-complete-condition',
      version: '3',
      desiredStatus: 'RUNNING',
      overrides: '{}',
      taskDefinitionAccountId: '000000000000',
      launchType: 'EC2',
      volumes: [{ name: 'volume1', type: 'host', host: {} }],
      containers: [
        {
          name: 'complete',
          image: '127.0.0.1:51670/busybox:latest',
          cpu: 0,
          memory: 64,
          essential: true,
          command: ['sh', '-c', 'cat test.txt'],
          environment: {},
          portMappings: [],
          mountPoints: [{ sourceVolume: 'volume1', containerPath: '/test', readOnly: false }],
          volumesFrom: [],
          links: [],
          overrides: '{}',
          dependsOn: [{ containerName: 'complete-dependency', condition: 'COMPLETE' }],
          dockerConfig: { config: '{"WorkingDir":"/test"}', hostConfig: '{"NetworkMode":"bridge","CapAdd":[],"CapDrop":[]}' },
        },
      ],
    });
  });

  it('puts Linux parameters and the other container settings into config and hostConfig', () => {
    const definition: EcsJson<TaskDefinition> = {
      family: 'everything',
      revision: 1,
      containerDefinitions: [
        {
          name: 'exit',
          image: 'busybox',
          memory: 500,
          memoryReservation: 128,
          hostname: 'foobarbaz',
          user: 'nobody',
          interactive: true,
          pseudoTerminal: true,
          disableNetworking: true,
          dockerLabels: { team: 'a' },
          privileged: true,
          readonlyRootFilesystem: true,
          dnsServers: ['1.2.3.4'],
          dnsSearchDomains: ['search.example.com'],
          extraHosts: [{ hostname: 'test.local', ipAddress: '127.10.10.10' }],
          dockerSecurityOptions: ['no-new-privileges'],
          ulimits: [{ name: 'nofile', softLimit: 123, hardLimit: 234 }],
          systemControls: [{ namespace: 'net.ipv4.conf.default.rp_filter', value: '0' }],
          logConfiguration: { logDriver: 'json-file', options: { 'max-size': '1m' } },
          healthCheck: { command: ['CMD-SHELL', 'true'], interval: 5, timeout: 50, retries: 3 },
          linuxParameters: {
            capabilities: { add: ['SYS_ADMIN'], drop: ['MKNOD'] },
            devices: [{ hostPath: '/dev/xvda', containerPath: '/dev/sda', permissions: ['read'] }],
            initProcessEnabled: true,
            sharedMemorySize: 100,
            tmpfs: [{ containerPath: '/dev/tmpfs', size: 100, mountOptions: ['ro', 'noexec'] }],
            maxSwap: 0,
          },
          startTimeout: 5,
          stopTimeout: 2,
        },
      ],
    };
    const [container] = renderAcsTask({ ...base, definition }).containers!;
    expect(container!.healthCheckType).toBe('docker');
    expect([container!.startTimeout, container!.stopTimeout]).toEqual([5, 2]);
    expect(JSON.parse(container!.dockerConfig!.config!)).toEqual({
      Hostname: 'foobarbaz',
      User: 'nobody',
      Labels: { team: 'a' },
      Tty: true,
      OpenStdin: true,
      NetworkDisabled: true,
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 5_000_000_000, Timeout: 50_000_000_000, Retries: 3 },
    });
    expect(JSON.parse(container!.dockerConfig!.hostConfig!)).toEqual({
      NetworkMode: 'bridge',
      CapAdd: ['SYS_ADMIN'],
      CapDrop: ['MKNOD'],
      Privileged: true,
      ReadonlyRootfs: true,
      Dns: ['1.2.3.4'],
      DnsSearch: ['search.example.com'],
      ExtraHosts: ['test.local:127.10.10.10'],
      SecurityOpt: ['no-new-privileges'],
      Ulimits: [{ Name: 'nofile', Soft: 123, Hard: 234 }],
      Sysctls: { 'net.ipv4.conf.default.rp_filter': '0' },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } },
      MemoryReservation: 128 * 1024 * 1024,
      Init: true,
      ShmSize: 100 * 1024 * 1024,
      Devices: [{ PathOnHost: '/dev/xvda', PathInContainer: '/dev/sda', CgroupPermissions: 'r' }],
      Tmpfs: { '/dev/tmpfs': 'ro,noexec,size=100m' },
      MemorySwap: 500 * 1024 * 1024,
    });
  });

  it('applies overrides, task-level sizes, docker volumes, ports and role credentials', () => {
    const definition: EcsJson<TaskDefinition> = {
      family: 'web',
      revision: 2,
      networkMode: 'host',
      cpu: '0.5 vCPU',
      memory: '1 GB',
      taskRoleArn: 'arn:aws:iam::000000000000:role/app',
      containerDefinitions: [
        {
          name: 'web',
          image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/web:1',
          environment: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
          portMappings: [{ containerPort: 80 }, { containerPort: 53, protocol: 'udp', hostPort: 5353 }],
          secrets: [{ name: 'TOKEN', valueFrom: 'arn:aws:secretsmanager:eu-west-1:1:secret:x' }],
        },
      ],
      volumes: [{ name: 'scratch', dockerVolumeConfiguration: { driver: 'local', driverOpts: { type: 'tmpfs', device: 'tmpfs' }, labels: { mylables: 'test' } } }],
    };
    const task = renderAcsTask({
      ...base,
      desiredStatus: 'STOPPED',
      definition,
      overrides: { containerOverrides: [{ name: 'web', command: ['echo', 'hi'], environment: [{ name: 'B', value: 'override' }] }] },
      roleCredentials: {
        application: { credentialsId: 'cred-1', roleArn: 'arn:aws:iam::000000000000:role/app', source: { accessKeyId: 'AK', secretAccessKey: 'SK', expiration: 'later' } },
      },
    });
    expect(task).toMatchObject({ desiredStatus: 'STOPPED', cpu: 0.5, memory: 1024 });
    expect(task.roleCredentials).toEqual({ credentialsId: 'cred-1', roleArn: 'arn:aws:iam::000000000000:role/app', accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: '', expiration: 'later' });
    expect(task.volumes).toEqual([
      { name: 'scratch', type: 'docker', dockerVolumeConfiguration: { scope: 'task', autoprovision: false, driver: 'local', driverOpts: { type: 'tmpfs', device: 'tmpfs' }, labels: { mylables: 'test' } } },
    ]);
    const container = task.containers![0]!;
    expect(container.environment).toEqual({ A: '1', B: 'override' });
    expect(container.overrides).toBe('{"command":["echo","hi"]}');
    expect(container.portMappings).toEqual([
      { containerPort: 80, hostPort: 80, protocol: 'tcp' },
      { containerPort: 53, hostPort: 5353, protocol: 'udp' },
    ]);
    expect(container.secrets).toEqual([
      { name: 'TOKEN', valueFrom: 'arn:aws:secretsmanager:eu-west-1:1:secret:x', type: 'ENVIRONMENT_VARIABLE', provider: 'asm', target: 'CONTAINER', region: 'eu-west-1' },
    ]);
    expect(container.registryAuthentication).toEqual({ type: 'ecr', ecrAuthData: { registryId: '123456789012', region: 'us-west-2', useExecutionRole: false } });
  });
});

describe('task-level sizes', () => {
  it.each([
    ['256', 256],
    ['0.25 vCPU', 256],
    ['1 vcpu', 1024],
    [undefined, undefined],
  ])('cpu %s -> %s units', (value, units) => expect(taskCpuUnits(value)).toBe(units));

  it.each([
    ['512', 512],
    ['1 GB', 1024],
    ['2GB', 2048],
  ])('memory %s -> %s MiB', (value, mib) => expect(taskMemoryMiB(value)).toBe(mib));

  it('marks unreadable sizes as NaN for the validator to refuse', () => {
    expect(taskCpuUnits('lots')).toBeNaN();
    expect(taskMemoryMiB('1 TB')).toBeNaN();
  });
});
