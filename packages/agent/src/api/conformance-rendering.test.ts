// Upstream's functional-test task definitions (aws/amazon-ecs-agent agent/functional_tests/testdata,
// as in the conformance data), pushed through the local control plane's ACS rendering, then
// taskFromAcs and the create-options rendering: what Docker is asked for, field by field.
import type { ContainerCreateOptions } from 'dockerode';
import { renderAcsTask } from '../../../control-plane/src/render/acs-task';
import type { EcsJson, TaskDefinition } from '../wire';
import { countingRandom } from './counting-random';
import { renderContainerCreateOptions } from './docker-create-options';
import type { Task } from './task';
import { taskFromAcs } from './task-from-acs';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:task/default/5f1c';
const BUSYBOX = '127.0.0.1:51670/busybox:latest';
const UBUNTU = '127.0.0.1:51670/ubuntu:latest';

function throughAgent(definition: Omit<EcsJson<TaskDefinition>, 'revision'>): { task: Task; options: Record<string, ContainerCreateOptions> } {
  const acs = renderAcsTask({ taskArn: ARN, desiredStatus: 'RUNNING', definition: { ...definition, revision: 1 }, accountId: '000000000000', region: 'us-east-1' });
  const model = taskFromAcs(acs, { seqNum: 1 }, { task: { cpuMemLimit: { enabled: false, explicit: false }, cgroupCpuPeriodMs: 100 } }, countingRandom());
  if (!model.ok) throw model.error;
  const task = model.value;
  for (const container of task.containers) container.dockerName = `ecs-${task.family}-1-${container.name}-0`;
  const options: Record<string, ContainerCreateOptions> = {};
  for (const container of task.containers) {
    const rendered = renderContainerCreateOptions(task, container, { cluster: 'default' });
    if (!rendered.ok) throw rendered.error;
    options[container.name] = rendered.value;
  }
  return { task, options };
}

function labels(family: string, container: string) {
  return {
    'com.amazonaws.ecs.task-arn': ARN,
    'com.amazonaws.ecs.container-name': container,
    'com.amazonaws.ecs.task-definition-family': family,
    'com.amazonaws.ecs.task-definition-version': '1',
    'com.amazonaws.ecs.cluster': 'default',
  };
}

function env(draw: number): string[] {
  const id = `00000000-0000-4000-8000-${draw.toString(16).padStart(12, '0')}`;
  return [`ECS_CONTAINER_METADATA_URI=http://169.254.170.2/v3/${id}`, `ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/${id}`];
}

/** The HostConfig fields every bridge container without ports, links or volumes gets. */
function plainHostConfig(memoryMiB: number, cpu: number) {
  return { Links: [], Binds: [], PortBindings: {}, VolumesFrom: [], Memory: memoryMiB * 1024 * 1024, CpuShares: cpu, NetworkMode: 'bridge', CapAdd: [], CapDrop: [] };
}

describe('conformance task definitions rendered for Docker', () => {
  it('add-drop-capabilities: CapAdd/CapDrop', () => {
    const command = ['sh', '-c', 'capsh --print'];
    const { options } = throughAgent({
      family: 'ecsftest-add-drop-capabilities',
      containerDefinitions: [{ image: UBUNTU, name: 'exit', cpu: 10, memory: 64, linuxParameters: { capabilities: { add: ['SYS_ADMIN'], drop: ['MKNOD'] } }, command }],
    });
    expect(options.exit).toEqual({
      name: 'ecs-ecsftest-add-drop-capabilities-1-exit-0',
      Image: UBUNTU,
      Cmd: command,
      ExposedPorts: {},
      Env: env(1),
      Labels: labels('ecsftest-add-drop-capabilities', 'exit'),
      HostConfig: { ...plainHostConfig(64, 10), CapAdd: ['SYS_ADMIN'], CapDrop: ['MKNOD'] },
    });
  });

  it('shmsize, init-process, tmpfs, devices: Linux parameters', () => {
    const { options } = throughAgent({
      family: 'linux-parameters',
      containerDefinitions: [
        { image: UBUNTU, name: 'shm', cpu: 500, memory: 500, linuxParameters: { sharedMemorySize: 100 } },
        { image: UBUNTU, name: 'init', cpu: 10, memory: 64, linuxParameters: { initProcessEnabled: true } },
        { image: UBUNTU, name: 'tmpfs', cpu: 500, memory: 500, linuxParameters: { tmpfs: [{ containerPath: '/dev/tmpfs', size: 100, mountOptions: ['ro', 'noexec'] }] } },
        { image: UBUNTU, name: 'devices', cpu: 10, memory: 64, linuxParameters: { devices: [{ hostPath: '/dev/xvda', containerPath: '/dev/sda', permissions: ['read'] }] } },
      ],
    });
    expect(options.shm!.HostConfig).toEqual({ ...plainHostConfig(500, 500), ShmSize: 104857600 });
    expect(options.init!.HostConfig).toEqual({ ...plainHostConfig(64, 10), Init: true });
    expect(options.tmpfs!.HostConfig).toEqual({ ...plainHostConfig(500, 500), Tmpfs: { '/dev/tmpfs': 'ro,noexec,size=100m' } });
    expect(options.devices!.HostConfig).toEqual({
      ...plainHostConfig(64, 10),
      Devices: [{ PathOnHost: '/dev/xvda', PathInContainer: '/dev/sda', CgroupPermissions: 'r' }],
    });
  });

  it('nofiles-ulimit, extra-hosts, dns-servers, dns-search-domains, sysctl, privileged, readonly-rootfs, security-opt', () => {
    const { options } = throughAgent({
      family: 'host-settings',
      containerDefinitions: [
        { image: 'busybox:latest', name: 'ulimit', cpu: 10, memory: 64, ulimits: [{ name: 'nofile', softLimit: 123, hardLimit: 234 }] },
        { image: 'busybox:latest', name: 'hosts', cpu: 10, memory: 64, extraHosts: [{ hostname: 'test.local', ipAddress: '127.10.10.10' }] },
        { image: 'busybox:latest', name: 'dns', cpu: 10, memory: 64, dnsServers: ['1.2.3.4'], dnsSearchDomains: ['search.example.com'] },
        { image: UBUNTU, name: 'sysctl', cpu: 10, memory: 64, systemControls: [{ namespace: 'net.ipv4.conf.default.rp_filter', value: '0' }] },
        { image: 'busybox:latest', name: 'privileged', cpu: 10, memory: 64, privileged: true },
        { image: 'busybox:latest', name: 'readonly', cpu: 10, memory: 64, readonlyRootFilesystem: true },
        { image: 'amazon/testnnp:make', name: 'nnp', memory: 50, dockerSecurityOptions: ['no-new-privileges'] },
      ],
    });
    expect(options.ulimit!.HostConfig).toEqual({ ...plainHostConfig(64, 10), Ulimits: [{ Name: 'nofile', Soft: 123, Hard: 234 }] });
    expect(options.hosts!.HostConfig).toEqual({ ...plainHostConfig(64, 10), ExtraHosts: ['test.local:127.10.10.10'] });
    expect(options.dns!.HostConfig).toEqual({ ...plainHostConfig(64, 10), Dns: ['1.2.3.4'], DnsSearch: ['search.example.com'] });
    expect(options.sysctl!.HostConfig).toEqual({ ...plainHostConfig(64, 10), Sysctls: { 'net.ipv4.conf.default.rp_filter': '0' } });
    expect(options.privileged!.HostConfig).toEqual({ ...plainHostConfig(64, 10), Privileged: true });
    expect(options.readonly!.HostConfig).toEqual({ ...plainHostConfig(64, 10), ReadonlyRootfs: true });
    // No cpu in the definition: 0 units, sent as 2 shares.
    expect(options.nnp!.HostConfig).toEqual({ ...plainHostConfig(50, 2), SecurityOpt: ['no-new-privileges'] });
  });

  it('working-dir, user-nobody, hostname, interactive-tty, network-disabled: Config fields', () => {
    const { options } = throughAgent({
      family: 'config-settings',
      containerDefinitions: [
        { image: 'busybox:latest', name: 'workdir', cpu: 10, memory: 64, workingDirectory: '/var', command: ['pwd'] },
        { image: 'busybox:latest', name: 'user', cpu: 10, memory: 64, user: 'nobody' },
        { image: 'busybox:latest', name: 'hostname', cpu: 10, memory: 64, hostname: 'foobarbaz' },
        { image: UBUNTU, name: 'tty', cpu: 10, memory: 64, interactive: true, pseudoTerminal: true },
        { image: 'busybox:latest', name: 'nonet', cpu: 10, memory: 64, disableNetworking: true },
      ],
    });
    expect(options.workdir).toEqual({
      name: 'ecs-config-settings-1-workdir-0',
      Image: 'busybox:latest',
      Cmd: ['pwd'],
      ExposedPorts: {},
      Env: env(1),
      WorkingDir: '/var',
      Labels: labels('config-settings', 'workdir'),
      HostConfig: plainHostConfig(64, 10),
    });
    expect(options.user!.User).toBe('nobody');
    expect(options.hostname!.Hostname).toBe('foobarbaz');
    expect([options.tty!.Tty, options.tty!.OpenStdin]).toEqual([true, true]);
    expect(options.nonet!.NetworkDisabled).toBe(true);
  });

  it('datavolume: an empty host volume mounted by one container, shared through volumesFrom', () => {
    const { task, options } = throughAgent({
      family: 'ecsinteg-datavolume-test',
      volumes: [{ name: 'test', host: {} }],
      containerDefinitions: [
        { image: BUSYBOX, name: 'exit', cpu: 10, memory: 64, essential: true, volumesFrom: [{ sourceContainer: 'data-volume-source' }] },
        { image: BUSYBOX, name: 'dataSource', cpu: 10, memory: 64, essential: false, volumesFrom: [{ sourceContainer: 'data-volume-source' }] },
        { image: BUSYBOX, name: 'data-volume-source', cpu: 10, memory: 64, essential: false, mountPoints: [{ sourceVolume: 'test', containerPath: '/data/' }] },
      ],
    });
    expect(task.volumes).toEqual([{ type: 'emptyHost', name: 'test', dockerVolumeName: 'ecs-ecsinteg-datavolume-test-1-test-02000000000000000000', knownStatus: 'NONE' }]);
    expect(task.containers.map((container) => container.dependsOn)).toEqual([
      [{ containerName: 'data-volume-source', condition: 'CREATE' }],
      [{ containerName: 'data-volume-source', condition: 'CREATE' }],
      [],
    ]);
    expect(options.exit!.HostConfig!.VolumesFrom).toEqual(['ecs-ecsinteg-datavolume-test-1-data-volume-source-0']);
    expect(options['data-volume-source']!.HostConfig!.Binds).toEqual(['ecs-ecsinteg-datavolume-test-1-test-02000000000000000000:/data/']);
  });

  it('task-local-vol: a task-scoped Docker volume and memoryReservation', () => {
    const { task, options } = throughAgent({
      family: 'ecsftest-task-local-volume',
      containerDefinitions: [
        { name: 'exit', image: BUSYBOX, cpu: 10, memory: 256, memoryReservation: 128, mountPoints: [{ sourceVolume: 'task-local', containerPath: '/ecs/' }] },
      ],
      volumes: [{ name: 'task-local', dockerVolumeConfiguration: { scope: 'task', driver: 'local', driverOpts: { type: 'tmpfs', device: 'tmpfs' }, labels: { mylables: 'test' } } }],
    });
    expect(task.volumes).toEqual([
      {
        type: 'docker',
        name: 'task-local',
        scope: 'task',
        autoprovision: false,
        driver: 'local',
        driverOpts: { type: 'tmpfs', device: 'tmpfs' },
        labels: { mylables: 'test' },
        dockerVolumeName: 'ecs-ecsftest-task-local-volume-1-task-local-02000000000000000000',
        knownStatus: 'NONE',
      },
    ]);
    expect(options.exit!.HostConfig).toEqual({
      ...plainHostConfig(256, 10),
      Binds: ['ecs-ecsftest-task-local-volume-1-task-local-02000000000000000000:/ecs/'],
      MemoryReservation: 134217728,
    });
  });

  it('network-link: links become START dependencies and Docker links by name and alias', () => {
    const { task, options } = throughAgent({
      family: 'ecsinteg-network-link',
      containerDefinitions: [
        { name: 'nginx', image: '127.0.0.1:51670/nginx:latest', cpu: 20, memory: 20, essential: true },
        { name: 'exit', image: BUSYBOX, cpu: 10, memory: 64, links: ['nginx:nginx'] },
      ],
    });
    expect(task.containers[1]!.dependsOn).toEqual([{ containerName: 'nginx', condition: 'START' }]);
    expect(options.exit!.HostConfig!.Links).toEqual(['ecs-ecsinteg-network-link-1-nginx-0:nginx']);
    expect(options.nginx!.HostConfig!.Memory).toBe(20971520);
  });

  it('granular-stop-timeout and container-ordering-timedout: timeouts and dependsOn in the model', () => {
    const stop = throughAgent({
      family: 'ecsftest-container-granular-stop-timeout',
      containerDefinitions: [
        {
          name: 'parent',
          image: BUSYBOX,
          cpu: 0,
          memory: 64,
          essential: true,
          dependsOn: [
            { containerName: 'dependency1', condition: 'START' },
            { containerName: 'dependency2', condition: 'START' },
          ],
        },
        { name: 'dependency1', image: BUSYBOX, cpu: 0, memory: 64, essential: false, stopTimeout: 2 },
        { name: 'dependency2', image: BUSYBOX, cpu: 0, memory: 64, essential: false, stopTimeout: 20 },
      ],
    });
    expect(stop.task.containers.map((c) => [c.name, c.essential, c.stopTimeout, c.dependsOn.length])).toEqual([
      ['parent', true, 0, 2],
      ['dependency1', false, 2, 0],
      ['dependency2', false, 20, 0],
    ]);
    const timedOut = throughAgent({
      family: 'ecsftest-container-ordering-timeout',
      containerDefinitions: [
        { name: 'success-timeout', image: BUSYBOX, cpu: 0, memory: 64, essential: true, dependsOn: [{ containerName: 'success-timeout-dependency', condition: 'SUCCESS' }] },
        { name: 'success-timeout-dependency', image: BUSYBOX, cpu: 0, memory: 64, essential: false, startTimeout: 5 },
      ],
    });
    expect(timedOut.task.containers[0]!.dependsOn).toEqual([{ containerName: 'success-timeout-dependency', condition: 'SUCCESS' }]);
    expect(timedOut.task.containers[1]!.startTimeout).toBe(5);
  });

  it('container-ordering-healthy: the health check reaches Docker in nanoseconds, and HEALTHY is accepted', () => {
    const { task, options } = throughAgent({
      family: 'ecsftest-container-ordering-complete-condition',
      containerDefinitions: [
        {
          name: 'healthy',
          image: BUSYBOX,
          cpu: 0,
          memory: 64,
          essential: false,
          workingDirectory: '/test',
          dependsOn: [{ containerName: 'healthy-dependency', condition: 'HEALTHY' }],
          mountPoints: [{ sourceVolume: 'volume1', containerPath: '/test' }],
        },
        {
          name: 'healthy-dependency',
          image: BUSYBOX,
          cpu: 0,
          memory: 64,
          essential: true,
          mountPoints: [{ sourceVolume: 'volume1', containerPath: '/test' }],
          workingDirectory: '/test',
          healthCheck: { command: ['CMD-SHELL', 'cd /test && touch test.txt'], interval: 5, timeout: 50, retries: 3 },
        },
      ],
      volumes: [{ name: 'volume1' }],
    });
    expect(task.containers[1]!.healthCheckType).toBe('docker');
    expect(options['healthy-dependency']!.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'cd /test && touch test.txt'], Interval: 5e9, Timeout: 50e9, Retries: 3 });
    const volume = 'ecs-ecsftest-container-ordering-complete-condition-1-volume1-02000000000000000000';
    expect(options.healthy!.HostConfig!.Binds).toEqual([`${volume}:/test`]);
    expect(options['healthy-dependency']!.HostConfig!.Binds).toEqual([`${volume}:/test`]);
  });

  it('dockerLabels, environment, port mappings and a RunTask command override', () => {
    const acs = renderAcsTask({
      taskArn: ARN,
      desiredStatus: 'RUNNING',
      accountId: '000000000000',
      region: 'us-east-1',
      definition: {
        family: 'web',
        revision: 4,
        containerDefinitions: [
          {
            name: 'app',
            image: BUSYBOX,
            memory: 64,
            command: ['httpd'],
            dockerLabels: { tier: 'front', 'com.amazonaws.ecs.task-arn': 'mine' },
            environment: [{ name: 'MODE', value: 'test' }],
            portMappings: [{ containerPort: 80 }, { containerPort: 53, hostPort: 5353, protocol: 'udp' }],
          },
        ],
      },
      overrides: { containerOverrides: [{ name: 'app', command: ['httpd', '-f'], environment: [{ name: 'EXTRA', value: '1' }] }] },
    });
    const model = taskFromAcs(acs, {}, { task: { cpuMemLimit: { enabled: false, explicit: false }, cgroupCpuPeriodMs: 100 } }, countingRandom());
    if (!model.ok) throw model.error;
    const app = model.value.containers[0]!;
    app.dockerName = 'ecs-web-4-app-0';
    const rendered = renderContainerCreateOptions(model.value, app, { cluster: 'prod' });
    expect(rendered).toEqual({
      ok: true,
      value: {
        name: 'ecs-web-4-app-0',
        Image: BUSYBOX,
        Cmd: ['httpd', '-f'],
        ExposedPorts: { '80/tcp': {}, '53/udp': {} },
        Env: ['MODE=test', 'EXTRA=1', ...env(1)],
        Labels: {
          tier: 'front',
          'com.amazonaws.ecs.task-arn': ARN,
          'com.amazonaws.ecs.container-name': 'app',
          'com.amazonaws.ecs.task-definition-family': 'web',
          'com.amazonaws.ecs.task-definition-version': '4',
          'com.amazonaws.ecs.cluster': 'prod',
        },
        HostConfig: {
          ...plainHostConfig(64, 2),
          PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '0' }], '53/udp': [{ HostIp: '', HostPort: '5353' }] },
        },
      },
    });
  });
});
