import { inspect } from 'node:util';
import { AgentConfigError, loadAgentConfig, toLoggable, type AgentConfig, type AgentFlags } from './index';

// The parsing traps of the reference (ecs-agent.md §1.2, §1.3, §11) and the rules that combine values.

const S = 1000;

function load(
  env: Record<string, string>,
  options: { file?: string; flags?: Partial<AgentFlags>; userData?: string } = {},
): { config: AgentConfig; warnings: readonly string[] } {
  return loadAgentConfig({ env, readFile: () => options.file, flags: options.flags, userData: options.userData });
}

function loadError(env: Record<string, string>, file?: string): AgentConfigError {
  try {
    load(env, { file });
  } catch (error) {
    if (error instanceof AgentConfigError) return error;
    throw error;
  }
  throw new Error('expected an AgentConfigError');
}

describe('Go strconv.ParseBool grammar', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True', ' true '])('%j is true', (value) => {
    expect(load({ ECS_UPDATES_ENABLED: value }).config.updates.enabled).toBe(true);
  });
  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('%j is false', (value) => {
    expect(load({ ECS_EXCLUDE_IPV6_PORTBINDING: value }).config.containers.excludeIpv6PortBinding).toBe(false);
  });
  it.each(['yes', 'on', 'tRuE', 'enabled'])('%j is rejected with a warning', (value) => {
    const { config, warnings } = load({ ECS_UPDATES_ENABLED: value });
    expect(config.updates.enabled).toBe(false);
    expect(warnings).toEqual([`ECS_UPDATES_ENABLED="${value}" is not a boolean (true/false/1/0/t/f); ignored`]);
  });
});

describe('Go time.ParseDuration grammar', () => {
  it.each([
    ['1h30m', 90 * 60 * S],
    ['1.5h', 90 * 60 * S],
    ['90m', 90 * 60 * S],
    ['2h45m30s', (2 * 3600 + 45 * 60 + 30) * S],
    ['3600000ms', 3600 * S],
  ])('%j is accepted', (value, expected) => {
    expect(load({ ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: value }).config.tasks.cleanupWaitMs).toBe(expected);
  });

  it.each(['10', '10 m', '1d', 'h', '1h30', '1H'])('%j is rejected with a warning and the default applies', (value) => {
    const { config, warnings } = load({ ECS_IMAGE_PULL_TIMEOUT: value });
    expect(config.images.pullTimeoutMs).toBe(2 * 3600 * S);
    expect(warnings).toEqual([expect.stringContaining(`ECS_IMAGE_PULL_TIMEOUT="${value}" is not a Go duration`)]);
  });

  it('an empty value is unset, without a warning', () => {
    expect(load({ ECS_IMAGE_PULL_TIMEOUT: '' })).toMatchObject({ config: { images: { pullTimeoutMs: 2 * 3600 * S } }, warnings: [] });
  });
});

describe('ECS_CHECKPOINT follows ECS_DATADIR', () => {
  it.each([
    [{}, false],
    [{ ECS_DATADIR: '/data/' }, true],
    [{ ECS_DATADIR: '' }, false],
    [{ ECS_DATADIR: '/data/', ECS_CHECKPOINT: 'false' }, false],
    [{ ECS_CHECKPOINT: 'true' }, true],
    [{ ECS_DATADIR: '/data/', ECS_CHECKPOINT: 'bogus' }, true],
  ])('%j → checkpoint %s', (env, expected) => {
    expect(load(env).config.state.checkpoint).toBe(expected);
  });

  it('only the environment variable turns it on: DataDir in the file does not', () => {
    const { config } = load({}, { file: '{"DataDir":"/var/lib/ecs/data"}' });
    expect(config.state).toMatchObject({ dataDir: '/var/lib/ecs/data', checkpoint: false });
  });
});

describe('ECS_ENABLE_TASK_CPU_MEM_LIMIT keeps unset apart from true', () => {
  it.each([
    [{}, undefined, { enabled: true, explicit: false }],
    [{ ECS_ENABLE_TASK_CPU_MEM_LIMIT: 'true' }, undefined, { enabled: true, explicit: true }],
    [{ ECS_ENABLE_TASK_CPU_MEM_LIMIT: 'false' }, undefined, { enabled: false, explicit: true }],
    [{ ECS_ENABLE_TASK_CPU_MEM_LIMIT: 'maybe' }, undefined, { enabled: true, explicit: false }],
    [{}, '{"TaskCPUMemLimit": null}', { enabled: true, explicit: false }],
    [{}, '{"TaskCPUMemLimit": false}', { enabled: false, explicit: true }],
    [{ ECS_ENABLE_TASK_CPU_MEM_LIMIT: 'true' }, '{"TaskCPUMemLimit": false}', { enabled: true, explicit: true }],
  ])('env %j, file %s → %j', (env, file, expected) => {
    expect(load(env, { file }).config.tasks.cpuMemLimit).toEqual(expected);
  });
});

describe('an explicit false in the environment is a value; a plain boolean false is not', () => {
  it('ECS_DISABLE_PRIVILEGED=false (tri-state) hides the file value', () => {
    expect(load({ ECS_DISABLE_PRIVILEGED: 'false' }, { file: '{"PrivilegedDisabled":true}' }).config.capabilities.privilegedDisabled).toBe(false);
  });
  it('ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=false (plain bool, Go zero value) lets the file decide', () => {
    expect(
      load({ ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST: 'false' }, { file: '{"TaskIAMRoleEnabledForNetworkHost":true}' }).config
        .taskIam.networkHostEnabled,
    ).toBe(true);
  });
});

describe('zero values count as unset', () => {
  it.each([
    ['ECS_RESERVED_PORTS', '[]', '{"ReservedPorts":[80,443]}', 'resources.reservedPorts', [80, 443]],
    ['ECS_AVAILABLE_LOGGING_DRIVERS', '[]', '{"AvailableLoggingDrivers":["syslog"]}', 'docker.availableLoggingDrivers', ['syslog']],
    ['ECS_INSTANCE_ATTRIBUTES', '{}', '{"InstanceAttributes":{"stack":"prod"}}', 'cluster.instanceAttributes', { stack: 'prod' }],
    ['ECS_RESERVED_MEMORY', '0', '{"ReservedMemory":32}', 'resources.reservedMemoryMiB', 32],
    ['ECS_CONTAINER_STOP_TIMEOUT', '0s', '{"DockerStopTimeout":10000000000}', 'containers.stopTimeoutMs', 10 * S],
    ['ECS_IMAGE_PULL_BEHAVIOR', 'default', '{"ImagePullBehavior":1}', 'images.pullBehavior', 'always'],
  ])('%s=%s lets the file value through', (name, value, file, path, expected) => {
    const { config } = load({ [name]: value }, { file });
    expect(path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], config)).toEqual(expected);
  });

  it('an empty JSON list with no file gives the default, not an empty list', () => {
    expect(load({ ECS_RESERVED_PORTS: '[]' }).config.resources.reservedPorts).toEqual([22, 2375, 2376, 51678, 51679]);
  });
});

describe('bounds', () => {
  it.each([
    ['1s', 5 * S, true],
    ['4s', 5 * S, true],
    ['5s', 5 * S, false],
    ['20s', 20 * S, false],
    ['21s', 20 * S, true],
    ['1m', 20 * S, true],
  ])('ECS_POLLING_METRICS_WAIT_DURATION=%s while polling → %d ms', (value, expected, warns) => {
    const { config, warnings } = load({ ECS_POLL_METRICS: 'true', ECS_POLLING_METRICS_WAIT_DURATION: value });
    expect(config.metrics.pollingWaitMs).toBe(expected);
    expect(warnings.length).toBe(warns ? 1 : 0);
  });

  it('the polling wait is not clamped when streaming', () => {
    expect(load({ ECS_POLLING_METRICS_WAIT_DURATION: '1s' })).toMatchObject({
      config: { metrics: { poll: false, pollingWaitMs: 1 * S } },
      warnings: [],
    });
  });

  it.each([
    ['100,150', [100, 150], 0],
    [' 100 , 150 ', [100, 150], 0],
    ['100', [40, 60], 1],
    ['100,150,200', [40, 60], 1],
    ['100,x', [40, 60], 1],
    ['-1,5', [40, 60], 1],
    // Each rate merges on its own and 0 is unset, so only the burst is taken.
    ['0,5', [40, 5], 0],
  ])('ECS_TASK_METADATA_RPS_LIMIT=%j → %j', (value, [steady, burst], warningCount) => {
    const { config, warnings } = load({ ECS_TASK_METADATA_RPS_LIMIT: value });
    expect(config.endpoints).toMatchObject({ taskMetadataSteadyStateRate: steady, taskMetadataBurstRate: burst });
    expect(warnings).toHaveLength(warningCount);
  });

  it('ECS_ENABLE_PROMETHEUS_METRICS=true reserves port 51680 too', () => {
    expect(load({ ECS_ENABLE_PROMETHEUS_METRICS: 'true', ECS_RESERVED_PORTS: '[22]' }).config.resources.reservedPorts).toEqual([
      22, 51680,
    ]);
  });
});

describe('ECS_ENABLE_HIGH_DENSITY_ENI', () => {
  it.each([
    [{}, undefined, true],
    [{ ECS_ENABLE_HIGH_DENSITY_ENI: 'false' }, undefined, true],
    [{ ECS_ENABLE_TASK_ENI: 'true', ECS_ENABLE_HIGH_DENSITY_ENI: 'false' }, undefined, false],
    [{}, '{"ENITrunkingEnabled":false}', false],
    // With task ENI on, upstream reads the variable again after the merge, overriding the file.
    [{ ECS_ENABLE_TASK_ENI: 'true' }, '{"ENITrunkingEnabled":false}', true],
  ])('env %j, file %s → %s', (env, file, expected) => {
    expect(load(env, { file }).config.awsvpc.highDensityEni).toBe(expected);
  });
});

describe('log levels', () => {
  it.each([
    [{}, {}, 'info', 'info'],
    [{ ECS_LOGLEVEL: 'debug' }, {}, 'debug', 'debug'],
    [{ ECS_LOG_DRIVER: 'awslogs' }, {}, 'info', 'none'],
    [{ ECS_LOG_DRIVER: 'awslogs', ECS_LOGLEVEL_ON_INSTANCE: 'warn' }, {}, 'info', 'warn'],
    [{ ECS_LOGLEVEL: 'error', ECS_LOGLEVEL_ON_INSTANCE: 'debug' }, {}, 'error', 'debug'],
    [{}, { logLevel: 'debug' }, 'debug', 'debug'],
    [{}, { logLevelDriver: 'warn', logLevelOnInstance: 'none' }, 'warn', 'none'],
    [{}, { logLevel: 'debug', logLevelDriver: 'warn' }, 'debug', 'debug'],
    // The README: -loglevel "is overridden by the ECS_LOGLEVEL environment variable, if present".
    [{ ECS_LOGLEVEL: 'warn' }, { logLevel: 'debug' }, 'warn', 'debug'],
    [{ ECS_LOGLEVEL_ON_INSTANCE: 'crit' }, { logLevel: 'debug' }, 'debug', 'crit'],
  ])('env %j, flags %j → %s / %s on instance', (env, flags, level, levelOnInstance) => {
    expect(load(env, { flags }).config.logging).toMatchObject({ level, levelOnInstance });
  });

  it('an invalid flag value warns, naming the flag', () => {
    const { config, warnings } = load({}, { flags: { logLevel: 'loud' } });
    expect(config.logging.level).toBe('info');
    expect(warnings).toEqual([expect.stringContaining('-loglevel="loud" is not a log level')]);
  });
});

describe('flags in the configuration', () => {
  it('-k and -blackhole-ec2-metadata reach the aws settings', () => {
    expect(load({}, { flags: { acceptInsecureCert: true, blackholeEc2Metadata: true } }).config.aws).toMatchObject({
      acceptInsecureCert: true,
      blackholeEc2Metadata: true,
    });
    expect(load({}).config.aws).toMatchObject({ acceptInsecureCert: false, blackholeEc2Metadata: false });
  });
});

describe('secrets', () => {
  const authData = '{"https://index.docker.io/v1/":{"auth":"c2VjcmV0LXBhc3N3b3Jk","email":"me@example.com"}}';
  const env = {
    ECS_ENGINE_AUTH_TYPE: 'dockercfg',
    ECS_ENGINE_AUTH_DATA: authData,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'EXAMPLEKEY',
    AWS_SESSION_TOKEN: 'EXAMPLETOKEN',
  };
  const secrets = ['c2VjcmV0LXBhc3N3b3Jk', 'AKIDEXAMPLE', 'EXAMPLEKEY', 'EXAMPLETOKEN'];

  it('are available to the code that needs them', () => {
    const { config } = load(env);
    expect(config.docker.authData?.reveal()).toBe(authData);
    expect(config.aws.credentials?.accessKeyId.reveal()).toBe('AKIDEXAMPLE');
    expect(config.aws.credentials?.secretAccessKey.reveal()).toBe('EXAMPLEKEY');
    expect(config.aws.credentials?.sessionToken?.reveal()).toBe('EXAMPLETOKEN');
  });

  it('never appear in the loggable view, JSON or inspect output', () => {
    const { config } = load(env);
    const loggable = toLoggable(config);
    for (const text of [JSON.stringify(loggable), JSON.stringify(config), inspect(config, { depth: null })]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    expect(loggable).toMatchObject({
      docker: { authType: 'dockercfg', authData: '[redacted]' },
      aws: { credentials: { accessKeyId: '[redacted]', secretAccessKey: '[redacted]', sessionToken: '[redacted]' } },
    });
  });

  it('never appear in warnings', () => {
    const { warnings } = load({
      ECS_ENGINE_AUTH_DATA: '{"auth": c2VjcmV0LXBhc3N3b3Jk',
      AWS_SECRET_ACCESS_KEY: 'EXAMPLEKEY',
    });
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/ECS_ENGINE_AUTH_DATA is not valid JSON/);
    expect(warnings.join('\n')).toMatch(/AWS_ACCESS_KEY_ID is not set/);
    for (const secret of secrets) expect(warnings.join('\n')).not.toContain(secret);
  });

  it('never appear in a file error, even next to a syntax error', () => {
    const error = loadError({}, '{"EngineAuthType":"docker","EngineAuthData":{"auth":"c2VjcmV0LXBhc3N3b3Jk"} "x"}');
    expect(error.problems[0]).toContain('line 1, column');
    for (const secret of secrets) expect(error.message).not.toContain(secret);
  });

  it('accepts the SDK aliases AWS_ACCESS_KEY and AWS_SECRET_KEY', () => {
    const { config } = load({ AWS_ACCESS_KEY: 'AKIDEXAMPLE', AWS_SECRET_KEY: 'EXAMPLEKEY' });
    expect(config.aws.credentials?.secretAccessKey.reveal()).toBe('EXAMPLEKEY');
    expect(config.aws.credentials?.sessionToken).toBeUndefined();
  });

  it('leaves credentials to the rest of the SDK chain when none are set', () => {
    expect(load({}).config.aws.credentials).toBeUndefined();
  });
});

it('the whole default configuration, as the reference lists it', () => {
  const { config, warnings } = load({});
  expect(warnings).toEqual([]);
  expect(toLoggable(config)).toEqual({
    configFilePath: '/etc/ecs_container_agent/config.json',
    aws: { external: false, acceptInsecureCert: false, blackholeEc2Metadata: false },
    cluster: { instanceAttributes: {}, containerInstanceTags: {}, propagateTagsFrom: 'none', spotInstanceDraining: false },
    docker: { endpoint: 'unix:///var/run/docker.sock', availableLoggingDrivers: ['json-file', 'none'] },
    resources: { reservedPorts: [22, 2375, 2376, 51678, 51679], reservedPortsUdp: [], reservedMemoryMiB: 0 },
    state: { dataDir: '/data/', dataDirOnHost: '/var/lib/ecs', checkpoint: false },
    updates: { enabled: false },
    containers: {
      stopTimeoutMs: 30_000,
      startTimeoutMs: 180_000,
      createTimeoutMs: 240_000,
      pullDependentContainersUpfront: false,
      sharedVolumeMatchFullConfig: false,
      excludeIpv6PortBinding: true,
      metadataFileEnabled: false,
    },
    images: {
      pullBehavior: 'default',
      pullInactivityTimeoutMs: 60_000,
      pullTimeoutMs: 7_200_000,
      cleanup: {
        disabled: false,
        intervalMs: 1_800_000,
        minimumAgeMs: 3_600_000,
        nonEcsMinimumAgeMs: 3_600_000,
        imagesPerCycle: 5,
        nonEcsContainersPerCycle: 5,
        untrackedEnabled: false,
        exclusionList: [],
      },
    },
    tasks: {
      cleanupWaitMs: 10_800_000,
      cleanupWaitJitterMs: 0,
      cpuMemLimit: { enabled: true, explicit: false },
      cgroupPath: '/sys/fs/cgroup',
      cgroupCpuPeriodMs: 100,
    },
    taskIam: { enabled: false, networkHostEnabled: false, auditLogFile: '/log/audit.log', auditLogDisabled: false },
    awsvpc: {
      taskEniEnabled: false,
      highDensityEni: true,
      cniPluginsPath: '/amazon-ecs-cni-plugins',
      blockInstanceMetadata: false,
      additionalLocalRoutes: [],
    },
    metrics: { disabled: false, poll: false, pollingWaitMs: 10_000, prometheusEnabled: false, runtimeStatsEnabled: false },
    capabilities: {
      privilegedDisabled: false,
      selinuxCapable: false,
      apparmorCapable: false,
      dockerHealthCheckDisabled: false,
      awslogsExecutionRoleOverride: false,
      gpuSupportEnabled: false,
      nvidiaRuntime: 'nvidia',
      inferentiaSupportEnabled: false,
      volumePluginCapabilities: [],
    },
    endpoints: {
      healthcheckHost: 'localhost',
      taskMetadataSteadyStateRate: 40,
      taskMetadataBurstRate: 60,
      taskMetadataAzDisabled: false,
    },
    logging: { level: 'info', levelOnInstance: 'info', format: 'logfmt', rollover: 'hourly', maxFileSizeMB: 10, maxRollCount: 24 },
    fractal: {
      deviceProvider: 'none',
      devicePool: [],
      devicesPerContainer: 1,
      dirMode: 0o755,
      keepDirs: false,
      socketsDir: '/fractal/temp/%%FRACTAL_ID_PLACEHOLDER%%/sockets',
      hostRoot: '/',
    },
  });
});
