import { AgentConfigError, loadAgentConfig, type AgentConfig } from './index';

// Every environment variable of the agent README tables (seeds 002/003) and the reference digest
// (ecs-agent.md §1.3): its default, valid values and invalid values, with expected values written out
// from those documents. Durations are milliseconds.

const S = 1000;
const M = 60 * S;
const H = 60 * M;

const noFile = () => undefined;

function load(env: Record<string, string>): { config: AgentConfig; warnings: readonly string[] } {
  return loadAgentConfig({ env, readFile: noFile });
}

function at(config: AgentConfig, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], config);
}

interface Row {
  readonly name: string;
  readonly path: string;
  readonly byDefault: unknown;
  readonly valid: ReadonlyArray<readonly [string, unknown]>;
  /** Values that warn, naming the variable and the value, and leave the given result. */
  readonly invalid?: ReadonlyArray<readonly [string, unknown]>;
}

const bool = (name: string, path: string, byDefault = false): Row => ({
  name,
  path,
  byDefault,
  valid: [
    ['true', true],
    ['false', false],
  ],
  invalid: [['yes', byDefault]],
});

const ROWS: readonly Row[] = [
  // Strings
  { name: 'ECS_CLUSTER', path: 'cluster.name', byDefault: undefined, valid: [['clusterName', 'clusterName'], [' spaced ', 'spaced']] },
  { name: 'ECS_BACKEND_HOST', path: 'aws.apiEndpoint', byDefault: undefined, valid: [['ecs.us-west-2.amazonaws.com', 'ecs.us-west-2.amazonaws.com']] },
  { name: 'AWS_DEFAULT_REGION', path: 'aws.region', byDefault: undefined, valid: [['us-west-2', 'us-west-2']] },
  { name: 'DOCKER_HOST', path: 'docker.endpoint', byDefault: 'unix:///var/run/docker.sock', valid: [['tcp://127.0.0.1:2375', 'tcp://127.0.0.1:2375']] },
  { name: 'ECS_DATADIR', path: 'state.dataDir', byDefault: '/data/', valid: [['/var/lib/ecs/data', '/var/lib/ecs/data']] },
  { name: 'ECS_HOST_DATA_DIR', path: 'state.dataDirOnHost', byDefault: '/var/lib/ecs', valid: [['/srv/ecs', '/srv/ecs']] },
  { name: 'ECS_UPDATE_DOWNLOAD_DIR', path: 'updates.downloadDir', byDefault: undefined, valid: [['/cache', '/cache']] },
  { name: 'ECS_AUDIT_LOGFILE', path: 'taskIam.auditLogFile', byDefault: '/log/audit.log', valid: [['/log/creds.log', '/log/creds.log']] },
  { name: 'ECS_CNI_PLUGINS_PATH', path: 'awsvpc.cniPluginsPath', byDefault: '/amazon-ecs-cni-plugins', valid: [['/ecs/cni', '/ecs/cni']] },
  { name: 'ECS_CGROUP_PATH', path: 'tasks.cgroupPath', byDefault: '/sys/fs/cgroup', valid: [['/host/cgroup', '/host/cgroup']] },
  { name: 'ECS_NVIDIA_RUNTIME', path: 'capabilities.nvidiaRuntime', byDefault: 'nvidia', valid: [['nvidia-experimental', 'nvidia-experimental']] },
  { name: 'ECS_AGENT_HEALTHCHECK_HOST', path: 'endpoints.healthcheckHost', byDefault: 'localhost', valid: [['127.0.0.1', '127.0.0.1']] },
  { name: 'ECS_AGENT_CONFIG_FILE_PATH', path: 'configFilePath', byDefault: '/etc/ecs_container_agent/config.json', valid: [['/etc/ecs/ecs.config.json', '/etc/ecs/ecs.config.json']] },
  { name: 'ECS_LOGFILE', path: 'logging.file', byDefault: undefined, valid: [['/log/ecs-agent.log', '/log/ecs-agent.log']] },

  // Booleans
  bool('ECS_UPDATES_ENABLED', 'updates.enabled'),
  bool('ECS_DISABLE_METRICS', 'metrics.disabled'),
  bool('ECS_POLL_METRICS', 'metrics.poll'),
  bool('ECS_DISABLE_DOCKER_HEALTH_CHECK', 'capabilities.dockerHealthCheckDisabled'),
  bool('ECS_PULL_DEPENDENT_CONTAINERS_UPFRONT', 'containers.pullDependentContainersUpfront'),
  bool('ECS_DISABLE_PRIVILEGED', 'capabilities.privilegedDisabled'),
  bool('ECS_SELINUX_CAPABLE', 'capabilities.selinuxCapable'),
  bool('ECS_APPARMOR_CAPABLE', 'capabilities.apparmorCapable'),
  bool('ECS_ENABLE_TASK_IAM_ROLE', 'taskIam.enabled'),
  bool('ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST', 'taskIam.networkHostEnabled'),
  bool('ECS_AUDIT_LOGFILE_DISABLED', 'taskIam.auditLogDisabled'),
  bool('ECS_DISABLE_IMAGE_CLEANUP', 'images.cleanup.disabled'),
  bool('ECS_ENABLE_UNTRACKED_IMAGE_CLEANUP', 'images.cleanup.untrackedEnabled'),
  bool('ECS_ENABLE_TASK_ENI', 'awsvpc.taskEniEnabled'),
  bool('ECS_AWSVPC_BLOCK_IMDS', 'awsvpc.blockInstanceMetadata'),
  bool('ECS_ENABLE_CONTAINER_METADATA', 'containers.metadataFileEnabled'),
  bool('ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE', 'capabilities.awslogsExecutionRoleOverride'),
  bool('ECS_SHARED_VOLUME_MATCH_FULL_CONFIG', 'containers.sharedVolumeMatchFullConfig'),
  bool('ECS_ENABLE_GPU_SUPPORT', 'capabilities.gpuSupportEnabled'),
  bool('ECS_ENABLE_INF_SUPPORT', 'capabilities.inferentiaSupportEnabled'),
  bool('ECS_DISABLE_TASK_METADATA_AZ', 'endpoints.taskMetadataAzDisabled'),
  bool('ECS_ENABLE_SPOT_INSTANCE_DRAINING', 'cluster.spotInstanceDraining'),
  bool('ECS_ENABLE_PROMETHEUS_METRICS', 'metrics.prometheusEnabled'),
  bool('ECS_ENABLE_RUNTIME_STATS', 'metrics.runtimeStatsEnabled'),
  bool('ECS_EXCLUDE_IPV6_PORTBINDING', 'containers.excludeIpv6PortBinding', true),
  bool('ECS_CHECKPOINT', 'state.checkpoint'),

  // Durations: Go syntax; a bare number has no unit and is rejected.
  {
    name: 'ECS_POLLING_METRICS_WAIT_DURATION',
    path: 'metrics.pollingWaitMs',
    byDefault: 10 * S,
    valid: [['15s', 15 * S]],
    invalid: [['10', 10 * S]],
  },
  {
    name: 'ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION',
    path: 'tasks.cleanupWaitMs',
    byDefault: 3 * H,
    valid: [
      ['10m', 10 * M],
      ['1h30m', 90 * M],
      ['1m', 1 * M],
    ],
    invalid: [
      ['10', 3 * H],
      ['30s', 3 * H],
      ['59s', 3 * H],
    ],
  },
  {
    name: 'ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION_JITTER',
    path: 'tasks.cleanupWaitJitterMs',
    byDefault: 0,
    valid: [['1h', 1 * H]],
    invalid: [
      ['1 hour', 0],
      ['-1h', 0],
    ],
  },
  {
    name: 'ECS_CONTAINER_STOP_TIMEOUT',
    path: 'containers.stopTimeoutMs',
    byDefault: 30 * S,
    valid: [
      ['10m', 10 * M],
      ['1s', 1 * S],
      ['0s', 30 * S],
    ],
    invalid: [
      ['30', 30 * S],
      ['500ms', 1 * S],
    ],
  },
  {
    name: 'ECS_CONTAINER_START_TIMEOUT',
    path: 'containers.startTimeoutMs',
    byDefault: 3 * M,
    valid: [
      ['10m', 10 * M],
      ['45s', 45 * S],
    ],
    invalid: [
      ['180', 3 * M],
      ['30s', 45 * S],
    ],
  },
  {
    name: 'ECS_CONTAINER_CREATE_TIMEOUT',
    path: 'containers.createTimeoutMs',
    byDefault: 4 * M,
    valid: [
      ['10m', 10 * M],
      ['1m', 1 * M],
    ],
    invalid: [
      ['4', 4 * M],
      ['30s', 1 * M],
    ],
  },
  {
    name: 'ECS_IMAGE_PULL_INACTIVITY_TIMEOUT',
    path: 'images.pullInactivityTimeoutMs',
    byDefault: 1 * M,
    valid: [['5m', 5 * M]],
    invalid: [
      ['5', 1 * M],
      ['10s', 1 * M],
    ],
  },
  {
    name: 'ECS_IMAGE_PULL_TIMEOUT',
    path: 'images.pullTimeoutMs',
    byDefault: 2 * H,
    valid: [['1h', 1 * H]],
    invalid: [['1d', 2 * H]],
  },
  {
    name: 'ECS_IMAGE_CLEANUP_INTERVAL',
    path: 'images.cleanup.intervalMs',
    byDefault: 30 * M,
    valid: [
      ['15m', 15 * M],
      ['10m', 10 * M],
    ],
    invalid: [
      ['30', 30 * M],
      ['9m', 30 * M],
    ],
  },
  {
    name: 'ECS_IMAGE_MINIMUM_CLEANUP_AGE',
    path: 'images.cleanup.minimumAgeMs',
    byDefault: 1 * H,
    valid: [['30m', 30 * M]],
    invalid: [['1800', 1 * H]],
  },
  {
    name: 'NON_ECS_IMAGE_MINIMUM_CLEANUP_AGE',
    path: 'images.cleanup.nonEcsMinimumAgeMs',
    byDefault: 1 * H,
    valid: [['30m', 30 * M]],
    invalid: [['soon', 1 * H]],
  },
  {
    name: 'ECS_CGROUP_CPU_PERIOD',
    path: 'tasks.cgroupCpuPeriodMs',
    byDefault: 100,
    valid: [
      ['10ms', 10],
      ['8ms', 8],
      ['100ms', 100],
    ],
    invalid: [
      ['7ms', 100],
      ['101ms', 100],
      ['10', 100],
    ],
  },

  // Numbers
  {
    name: 'ECS_RESERVED_MEMORY',
    path: 'resources.reservedMemoryMiB',
    byDefault: 0,
    valid: [
      ['32', 32],
      ['65535', 65535],
    ],
    invalid: [
      ['65536', 0],
      ['-1', 0],
      ['32MiB', 0],
    ],
  },
  {
    name: 'ECS_NUM_IMAGES_DELETE_PER_CYCLE',
    path: 'images.cleanup.imagesPerCycle',
    byDefault: 5,
    valid: [
      ['10', 10],
      ['1', 1],
      ['0', 5],
    ],
    invalid: [
      ['-1', 5],
      ['five', 5],
    ],
  },
  {
    name: 'NONECS_NUM_CONTAINERS_DELETE_PER_CYCLE',
    path: 'images.cleanup.nonEcsContainersPerCycle',
    byDefault: 5,
    valid: [['10', 10]],
    invalid: [['ten', 5]],
  },

  // JSON values
  {
    name: 'ECS_RESERVED_PORTS',
    path: 'resources.reservedPorts',
    byDefault: [22, 2375, 2376, 51678, 51679],
    valid: [
      ['[22, 80, 5000, 8080]', [22, 80, 5000, 8080]],
      ['[]', [22, 2375, 2376, 51678, 51679]],
    ],
    invalid: [
      ['[22,', [22, 2375, 2376, 51678, 51679]],
      ['[70000]', [22, 2375, 2376, 51678, 51679]],
      ['22,80', [22, 2375, 2376, 51678, 51679]],
    ],
  },
  {
    name: 'ECS_RESERVED_PORTS_UDP',
    path: 'resources.reservedPortsUdp',
    byDefault: [],
    valid: [['[53, 123]', [53, 123]]],
    invalid: [['["53"]', []]],
  },
  {
    name: 'ECS_AVAILABLE_LOGGING_DRIVERS',
    path: 'docker.availableLoggingDrivers',
    byDefault: ['json-file', 'none'],
    valid: [
      [
        '["awslogs","fluentd","gelf","json-file","journald","logentries","splunk","syslog"]',
        ['awslogs', 'fluentd', 'gelf', 'json-file', 'journald', 'logentries', 'splunk', 'syslog'],
      ],
      ['["sumologic","awsfirelens","none"]', ['sumologic', 'awsfirelens', 'none']],
      ['[]', ['json-file', 'none']],
    ],
    invalid: [['json-file', ['json-file', 'none']]],
  },
  {
    name: 'ECS_VOLUME_PLUGIN_CAPABILITIES',
    path: 'capabilities.volumePluginCapabilities',
    byDefault: [],
    valid: [['["efsAuth"]', ['efsAuth']]],
    invalid: [['efsAuth', []]],
  },
  {
    name: 'ECS_INSTANCE_ATTRIBUTES',
    path: 'cluster.instanceAttributes',
    byDefault: {},
    valid: [
      ['{"stack": "prod"}', { stack: 'prod' }],
      ['{}', {}],
    ],
  },
  {
    name: 'ECS_CONTAINER_INSTANCE_TAGS',
    path: 'cluster.containerInstanceTags',
    byDefault: {},
    valid: [['{"tag_key": "tag_val"}', { tag_key: 'tag_val' }]],
  },
  {
    name: 'ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES',
    path: 'awsvpc.additionalLocalRoutes',
    byDefault: [],
    valid: [['["10.0.15.0/24", "fd00::/8"]', ['10.0.15.0/24', 'fd00::/8']]],
  },
  {
    name: 'ECS_EXCLUDE_UNTRACKED_IMAGE',
    path: 'images.cleanup.exclusionList',
    byDefault: [],
    valid: [
      ['alpine:latest', ['alpine:latest']],
      // Split on commas with no trimming, as upstream.
      ['alpine:latest, busybox:1', ['alpine:latest', ' busybox:1']],
    ],
  },

  // Enumerations
  {
    name: 'ECS_IMAGE_PULL_BEHAVIOR',
    path: 'images.pullBehavior',
    byDefault: 'default',
    valid: [
      ['default', 'default'],
      ['always', 'always'],
      ['once', 'once'],
      ['prefer-cached', 'prefer-cached'],
    ],
    invalid: [['never', 'default']],
  },
  {
    name: 'ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM',
    path: 'cluster.propagateTagsFrom',
    byDefault: 'none',
    valid: [
      ['ec2_instance', 'ec2_instance'],
      ['none', 'none'],
    ],
    invalid: [['ec2', 'none']],
  },
  {
    name: 'ECS_ENGINE_AUTH_TYPE',
    path: 'docker.authType',
    byDefault: undefined,
    valid: [
      ['docker', 'docker'],
      ['dockercfg', 'dockercfg'],
    ],
    invalid: [['basic', undefined]],
  },

  // Logging
  {
    name: 'ECS_LOGLEVEL',
    path: 'logging.level',
    byDefault: 'info',
    valid: [
      ['crit', 'crit'],
      ['error', 'error'],
      ['warn', 'warn'],
      ['debug', 'debug'],
      ['DEBUG', 'debug'],
    ],
    invalid: [['verbose', 'info']],
  },
  {
    name: 'ECS_LOGLEVEL_ON_INSTANCE',
    path: 'logging.levelOnInstance',
    byDefault: 'info',
    valid: [
      ['none', 'none'],
      ['debug', 'debug'],
    ],
    invalid: [['off', 'info']],
  },
  {
    name: 'ECS_LOG_OUTPUT_FORMAT',
    path: 'logging.format',
    byDefault: 'logfmt',
    valid: [
      ['json', 'json'],
      ['logfmt', 'logfmt'],
    ],
    invalid: [['xml', 'logfmt']],
  },
  {
    name: 'ECS_LOG_ROLLOVER_TYPE',
    path: 'logging.rollover',
    byDefault: 'hourly',
    valid: [
      ['size', 'size'],
      ['hourly', 'hourly'],
    ],
    invalid: [['weekly', 'hourly']],
  },
  {
    name: 'ECS_LOG_MAX_FILE_SIZE_MB',
    path: 'logging.maxFileSizeMB',
    byDefault: 10,
    valid: [
      ['10', 10],
      ['2.5', 2.5],
    ],
    invalid: [
      ['ten', 10],
      ['0', 10],
    ],
  },
  {
    name: 'ECS_LOG_MAX_ROLL_COUNT',
    path: 'logging.maxRollCount',
    byDefault: 24,
    valid: [['48', 48]],
    invalid: [
      ['-1', 24],
      ['1.5', 24],
    ],
  },
];

describe.each(ROWS)('$name', (row) => {
  it(`defaults to ${JSON.stringify(row.byDefault)}`, () => {
    const { config, warnings } = load({});
    expect(at(config, row.path)).toEqual(row.byDefault);
    expect(warnings).toEqual([]);
  });

  it.each(row.valid)('accepts %j', (value, expected) => {
    const { config, warnings } = load({ [row.name]: value });
    expect(at(config, row.path)).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  if (row.invalid) {
    it.each(row.invalid)('warns about %j, naming the variable and the value', (value, expected) => {
      const { config, warnings } = load({ [row.name]: value });
      expect(at(config, row.path)).toEqual(expected);
      expect(warnings).toEqual([expect.stringContaining(row.name)]);
      expect(warnings[0]).toContain(value);
    });
  }
});

describe('fatal values', () => {
  it.each([
    ['ECS_INSTANCE_ATTRIBUTES', '{"stack": prod}', 'cluster.instanceAttributes', {}],
    ['ECS_INSTANCE_ATTRIBUTES', '{"count": 3}', 'cluster.instanceAttributes', {}],
    ['ECS_CONTAINER_INSTANCE_TAGS', '["tag"]', 'cluster.containerInstanceTags', {}],
    ['ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES', '["10.0.15.0"]', 'awsvpc.additionalLocalRoutes', []],
    ['ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES', '["10.0.15.0/33"]', 'awsvpc.additionalLocalRoutes', []],
    ['ECS_AVAILABLE_LOGGING_DRIVERS', '["json-file","bogus"]', 'docker.availableLoggingDrivers', ['json-file']],
  ])('%s=%s stops the agent, naming the variable and the value', (name, value, path, bestEffort) => {
    const error = catchConfigError(() => load({ [name]: value }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(name);
    expect(error.problems[0]).toContain(name === 'ECS_AVAILABLE_LOGGING_DRIVERS' ? 'bogus' : value);
    expect(at(error.config, path)).toEqual(bestEffort);
  });

  it('names every unknown logging driver, as upstream\'s "Invalid logging drivers"', () => {
    const error = catchConfigError(() => load({ ECS_AVAILABLE_LOGGING_DRIVERS: '["foo","json-file","bar"]' }));
    expect(error.problems[0]).toContain('Invalid logging drivers: foo, bar');
  });

  it('ECS_EXTERNAL=true needs AWS_DEFAULT_REGION in the environment', () => {
    const error = catchConfigError(() => load({ ECS_EXTERNAL: 'true' }));
    expect(error.problems[0]).toContain('AWS_DEFAULT_REGION');
    expect(error.config.aws.external).toBe(true);
    expect(load({ ECS_EXTERNAL: 'true', AWS_DEFAULT_REGION: 'us-east-1' }).config.aws).toMatchObject({
      external: true,
      region: 'us-east-1',
    });
  });

  it('keeps the rest of the configuration in the error for the CLI', () => {
    const error = catchConfigError(() =>
      load({ ECS_INSTANCE_ATTRIBUTES: 'x', ECS_CLUSTER: 'prod', ECS_LOGLEVEL: 'debug', ECS_RESERVED_MEMORY: 'lots' }),
    );
    expect(error.config.cluster.name).toBe('prod');
    expect(error.config.logging.level).toBe('debug');
    expect(error.warnings).toEqual([expect.stringContaining('ECS_RESERVED_MEMORY="lots"')]);
    expect(error.message).toContain('ECS_INSTANCE_ATTRIBUTES');
  });
});

function catchConfigError(action: () => unknown): AgentConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof AgentConfigError) return error;
    throw error;
  }
  throw new Error('expected an AgentConfigError');
}
