import { HostPaths } from '@fractal-ecs/common';
import { recordingLogger } from '../../test/recording-logger';
import { readInitSettings, type InitSettings } from '../config';
import { agentBinds, buildAgentContainer, supportsInit, type AgentContainerInput } from './agent-container';
import { TEST_HOST } from '../../test/engine-fakes';

const paths = new HostPaths('/srv/host');

const bareHost = TEST_HOST;

function settings(env: Record<string, string> = {}): InitSettings {
  return readInitSettings(env, paths, recordingLogger().log);
}

function build(overrides: Partial<AgentContainerInput> = {}) {
  const { log, messages } = recordingLogger();
  const spec = buildAgentContainer(
    { settings: settings(), agentConfig: {}, dockerApiVersion: '1.41', host: bareHost, ...overrides },
    log,
  );
  const env = Object.fromEntries(spec.env.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  return { spec, env, errors: messages('error') };
}

const ALWAYS_BINDS_TAIL = [
  '/run/docker/plugins:/run/docker/plugins:ro',
  '/etc/docker/plugins:/etc/docker/plugins:ro',
  '/usr/lib/docker/plugins:/usr/lib/docker/plugins:ro',
  '/proc:/host/proc:ro',
  '/usr/lib:/usr/lib:ro',
  '/lib:/lib:ro',
  '/usr/lib64:/usr/lib64:ro',
  '/lib64:/lib64:ro',
  '/sbin:/host/sbin:ro',
  '/etc/alternatives:/etc/alternatives:ro',
  '/usr/sbin:/usr/sbin:ro',
  '/usr/bin/lsblk:/usr/bin/lsblk',
];

describe('buildAgentContainer', () => {
  it('names the container and image from the settings', () => {
    const { spec } = build({ settings: settings({ ECS_INIT_AGENT_IMAGE: 'fork/agent:1', ECS_INIT_AGENT_CONTAINER_NAME: 'agent' }) });
    expect(spec.name).toBe('agent');
    expect(spec.image).toBe('fork/agent:1');
  });

  it('sets upstream defaults, sorted', () => {
    const { spec } = build();
    expect(spec.env).toEqual([
      'CREDENTIALS_FETCHER_HOST_DIR=/var/credentials-fetcher/socket/credentials_fetcher.sock',
      'ECS_AGENT_CONFIG_FILE_PATH=/etc/ecs/ecs.config.json',
      'ECS_AGENT_LABELS=',
      'ECS_AVAILABLE_LOGGING_DRIVERS=["json-file","syslog","awslogs","fluentd","none"]',
      'ECS_DATADIR=/data',
      'ECS_DETAILED_OS_FAMILY=debian_12',
      'ECS_EBSTA_SUPPORTED=true',
      'ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE=true',
      'ECS_ENABLE_TASK_ENI=true',
      'ECS_ENABLE_TASK_IAM_ROLE=true',
      'ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=true',
      'ECS_LOGFILE=/log/ecs-agent.log',
      'ECS_UPDATES_ENABLED=true',
      'ECS_UPDATE_DOWNLOAD_DIR=/var/cache/ecs',
      'ECS_VOLUME_PLUGIN_CAPABILITIES=["efsAuth"]',
    ]);
    expect(spec.labels).toBeUndefined();
  });

  it('sets SSL_CERT_DIR when the host has a CA directory', () => {
    expect(build({ host: { ...bareHost, certsDir: '/etc/pki/tls/certs' } }).env.SSL_CERT_DIR).toBe('/etc/pki/tls/certs');
  });

  it('passes ecs.config values verbatim and lets them override defaults', () => {
    const { env } = build({
      agentConfig: { ECS_UPDATES_ENABLED: 'false', AGENT_TEST_VAR2: '"val2"=val2', ECS_CLUSTER: 'prod', ECS_LOGFILE: '/log/x.log' },
    });
    expect(env).toMatchObject({
      ECS_UPDATES_ENABLED: 'false',
      AGENT_TEST_VAR2: '"val2"=val2',
      ECS_CLUSTER: 'prod',
      ECS_LOGFILE: '/log/x.log',
    });
  });

  it('forces ECS_ENABLE_TASK_ENI=false on external hosts, over ecs.config', () => {
    const { env } = build({ settings: settings({ ECS_EXTERNAL: 'true' }), agentConfig: { ECS_ENABLE_TASK_ENI: 'true' } });
    expect(env.ECS_ENABLE_TASK_ENI).toBe('false');
  });

  it('forces ECS_ENABLE_TASK_ENI=false and drops Init below Docker API 1.25', () => {
    const { env, spec } = build({ dockerApiVersion: '1.24', agentConfig: { ECS_ENABLE_TASK_ENI: 'true' } });
    expect(env.ECS_ENABLE_TASK_ENI).toBe('false');
    expect(spec.hostConfig.Init).toBeUndefined();
  });

  it('forces ECS_EBSTA_SUPPORTED=false without the EBS mount directory', () => {
    const { env } = build({ host: { ...bareHost, ebsDirExists: false }, agentConfig: { ECS_EBSTA_SUPPORTED: 'true' } });
    expect(env.ECS_EBSTA_SUPPORTED).toBe('false');
  });

  it('labels the container from the final ECS_AGENT_LABELS', () => {
    const { spec } = build({ agentConfig: { ECS_AGENT_LABELS: '{"test.label.1":"value1","test.label.2":"value2"}' } });
    expect(spec.labels).toEqual({ 'test.label.1': 'value1', 'test.label.2': 'value2' });
  });

  it('logs bad ECS_AGENT_LABELS and sets no labels', () => {
    const { spec, errors } = build({ agentConfig: { ECS_AGENT_LABELS: '{"a":1}' } });
    expect(spec.labels).toBeUndefined();
    expect(errors).toHaveLength(1);
  });

  it('builds the upstream host config', () => {
    const { spec } = build();
    expect(spec.hostConfig).toEqual({
      Binds: [
        '/var/run:/var/run',
        '/srv/host/var/log/ecs:/log',
        '/srv/host/var/lib/ecs/data:/data',
        '/srv/host/etc/ecs:/etc/ecs',
        '/srv/host/var/cache/ecs:/var/cache/ecs',
        '/sys/fs/cgroup:/sys/fs/cgroup',
        '/srv/host/var/lib/ecs:/var/lib/ecs',
        '/srv/host/var/log/ecs/exec:/log/exec',
        ...ALWAYS_BINDS_TAIL,
      ],
      NetworkMode: 'host',
      UsernsMode: 'host',
      CapAdd: ['NET_ADMIN', 'SYS_ADMIN'],
      Init: true,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '16m', 'max-file': '4' } },
    });
  });

  it('adds no capabilities on external hosts', () => {
    expect(build({ settings: settings({ ECS_EXTERNAL: 'true' }) }).spec.hostConfig.CapAdd).toBeUndefined();
  });

  it('sets Privileged and PidMode only when asked', () => {
    const { spec } = build({ settings: settings({ ECS_AGENT_RUN_PRIVILEGED: 'true', ECS_AGENT_PID_NAMESPACE_HOST: 'true' }) });
    expect(spec.hostConfig.Privileged).toBe(true);
    expect(spec.hostConfig.PidMode).toBe('host');
    expect(build().spec.hostConfig).not.toHaveProperty('Privileged');
    expect(build().spec.hostConfig).not.toHaveProperty('PidMode');
  });

  it('gives the agent /dev/uinput only when ecs.config picks the Fractal uinput provider', () => {
    const uinput = build({ agentConfig: { ECS_FRACTAL_DEVICE_PROVIDER: 'uinput' } }).spec.hostConfig;
    expect(uinput.Devices).toEqual([{ PathOnHost: '/dev/uinput', PathInContainer: '/dev/uinput', CgroupPermissions: 'rwm' }]);
    expect(build({ agentConfig: { ECS_FRACTAL_DEVICE_PROVIDER: 'pool' } }).spec.hostConfig).not.toHaveProperty('Devices');
    expect(build().spec.hostConfig).not.toHaveProperty('Devices');
  });

  it('uses the configured log driver', () => {
    const { spec } = build({ settings: settings({ ECS_LOG_DRIVER: 'awslogs', ECS_LOG_OPTS: '{"awslogs-group":"g"}' }) });
    expect(spec.hostConfig.LogConfig).toEqual({ Type: 'awslogs', Config: { 'awslogs-group': 'g' } });
  });
});

describe('agentBinds', () => {
  it.each([
    ['unset', {}, {}, '/var/run:/var/run'],
    ['tcp', { DOCKER_HOST: 'tcp://1.2.3.4:2375' }, {}, '/var/run:/var/run'],
    ['unix, agent value empty', { DOCKER_HOST: 'unix:///var/run/docker.sock' }, {}, '/var/run/docker.sock:/var/run/docker.sock'],
    [
      'unix, agent value not unix',
      { DOCKER_HOST: 'unix:///var/run/docker.sock' },
      { DOCKER_HOST: 'tcp://x' },
      '/var/run/docker.sock:/var/run/docker.sock',
    ],
    [
      'unix, agent value unix',
      { DOCKER_HOST: 'unix:///run/user/docker.sock' },
      { DOCKER_HOST: 'unix:///var/run/agent-docker.sock' },
      '/run/user/docker.sock:/var/run/agent-docker.sock',
    ],
  ])('binds the docker socket with DOCKER_HOST %s', (_name, env, agentConfig, bind) => {
    expect(agentBinds(settings(env), agentConfig, bareHost)[0]).toBe(bind);
  });

  it('adds every optional bind in upstream order when the host has it all', () => {
    const binds = agentBinds(
      settings({ CREDENTIALS_FETCHER_HOST: 'unix:///var/cf.sock' }),
      { ECS_ENABLE_GPU_SUPPORT: 'true', ECS_GMSA_SUPPORTED: 'true' },
      {
        ...bareHost,
        pkiDir: '/etc/pki',
        cgroupMountpoint: '/cgroup',
        nvidiaDevicesPresent: true,
        credentialsFetcherSocketExists: true,
        managedAgentsDirExists: true,
        execCommandDirExists: true,
        nsenterPath: '/usr/bin/nsenter',
        modinfoPath: '/sbin/modinfo',
        cloudInitResultExists: true,
      },
    );
    expect(binds).toEqual([
      '/var/run:/var/run',
      '/srv/host/var/log/ecs:/log',
      '/srv/host/var/lib/ecs/data:/data',
      '/srv/host/etc/ecs:/etc/ecs',
      '/srv/host/var/cache/ecs:/var/cache/ecs',
      '/cgroup:/sys/fs/cgroup',
      '/srv/host/var/lib/ecs:/var/lib/ecs',
      '/srv/host/var/log/ecs/exec:/log/exec',
      '/etc/pki:/etc/pki:ro',
      '/srv/host/var/lib/ecs/gpu:/var/lib/ecs/gpu',
      '/var/cf.sock:/var/cf.sock',
      '/run/docker/plugins:/run/docker/plugins:ro',
      '/etc/docker/plugins:/etc/docker/plugins:ro',
      '/usr/lib/docker/plugins:/usr/lib/docker/plugins:ro',
      '/srv/host/var/lib/ecs/deps:/managed-agents:ro',
      '/srv/host/var/lib/ecs/deps/execute-command/config:/managed-agents/execute-command/config',
      ...ALWAYS_BINDS_TAIL.slice(3),
      '/usr/bin/nsenter:/usr/bin/nsenter',
      '/sbin/modinfo:/sbin/modinfo',
      '/var/lib/cloud/data/result.json:/var/lib/cloud/data/result.json:ro',
    ]);
  });

  it('binds rotating credentials but not the cloud-init result on external hosts', () => {
    const binds = agentBinds(settings({ ECS_EXTERNAL: 'true' }), {}, { ...bareHost, cloudInitResultExists: true });
    expect(binds).toContain('/root/.aws:/rotatingcreds:ro');
    expect(binds.some((b) => b.includes('result.json'))).toBe(false);
  });

  it('skips GPU and gMSA binds when the devices or socket are missing', () => {
    const binds = agentBinds(settings(), { ECS_ENABLE_GPU_SUPPORT: 'true', ECS_GMSA_SUPPORTED: 'true' }, bareHost);
    expect(binds.some((b) => b.includes('gpu') || b.includes('credentials_fetcher'))).toBe(false);
  });

  it('ignores GPU devices unless ecs.config enables GPU support', () => {
    const binds = agentBinds(settings(), { ECS_ENABLE_GPU_SUPPORT: 'false' }, { ...bareHost, nvidiaDevicesPresent: true });
    expect(binds.some((b) => b.includes('gpu'))).toBe(false);
  });
});

describe('agentBinds for Fractal', () => {
  it('binds the host root at ECS_FRACTAL_HOST_ROOT (rslave), last', () => {
    const binds = agentBinds(settings(), { ECS_FRACTAL_HOST_ROOT: '/host' }, bareHost);
    expect(binds.at(-1)).toBe('/:/host:rslave');
  });

  it.each([[undefined], ['/'], ['relative/path'], ['']])('binds no host root for ECS_FRACTAL_HOST_ROOT=%j', (value) => {
    const binds = agentBinds(settings(), value === undefined ? {} : { ECS_FRACTAL_HOST_ROOT: value }, bareHost);
    expect(binds.some((b) => b.startsWith('/:'))).toBe(false);
  });
});

describe('supportsInit', () => {
  it.each([
    ['1.24', false],
    ['1.21', false],
    ['1.25', true],
    ['1.41', true],
    ['1.100', true],
    ['2.0', true],
    ['garbage', false],
  ])('%s -> %s', (version, expected) => expect(supportsInit(version)).toBe(expected));
});
