// Upstream's Linux defaults and bounds (agent/config/config.go, config_unix.go, v1.55.5). Durations are
// milliseconds, the unit parseGoDuration returns.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const AGENT_INTROSPECTION_PORT = 51678;
export const AGENT_CREDENTIALS_PORT = 51679;
export const AGENT_PROMETHEUS_PORT = 51680;

/** Upstream's own default; ecs-init overrides it with ECS_AGENT_CONFIG_FILE_PATH=/etc/ecs/ecs.config.json. */
export const DEFAULT_CONFIG_FILE_PATH = '/etc/ecs_container_agent/config.json';

/** The cluster registration uses (and creates when missing) if none is configured. */
export const DEFAULT_CLUSTER_NAME = 'default';

export const DEFAULTS = {
  dockerEndpoint: 'unix:///var/run/docker.sock',
  reservedPorts: [22, 2375, 2376, AGENT_INTROSPECTION_PORT, AGENT_CREDENTIALS_PORT],
  dataDir: '/data/',
  dataDirOnHost: '/var/lib/ecs',
  availableLoggingDrivers: ['json-file', 'none'],
  taskCleanupWaitMs: 3 * HOUR,
  dockerStopTimeoutMs: 30 * SECOND,
  containerStartTimeoutMs: 3 * MINUTE,
  containerCreateTimeoutMs: 4 * MINUTE,
  imagePullInactivityTimeoutMs: MINUTE,
  imagePullTimeoutMs: 2 * HOUR,
  credentialsAuditLogFile: '/log/audit.log',
  imageCleanupIntervalMs: 30 * MINUTE,
  minimumImageDeletionAgeMs: HOUR,
  nonEcsMinimumImageDeletionAgeMs: HOUR,
  numImagesToDeletePerCycle: 5,
  numNonEcsContainersToDeletePerCycle: 5,
  cniPluginsPath: '/amazon-ecs-cni-plugins',
  cgroupPath: '/sys/fs/cgroup',
  cgroupCpuPeriodMs: 100,
  taskMetadataSteadyStateRate: 40,
  taskMetadataBurstRate: 60,
  /** Half the 20s TCS publish interval. */
  pollingMetricsWaitMs: 10 * SECOND,
  nvidiaRuntime: 'nvidia',
  healthcheckHost: 'localhost',
  logLevel: 'info',
  logMaxFileSizeMB: 10,
  logMaxRollCount: 24,
} as const;

export const BOUNDS = {
  minDockerStopTimeoutMs: SECOND,
  minContainerStartTimeoutMs: 45 * SECOND,
  minContainerCreateTimeoutMs: MINUTE,
  minImagePullInactivityTimeoutMs: MINUTE,
  minTaskCleanupWaitMs: MINUTE,
  minImageCleanupIntervalMs: 10 * MINUTE,
  minNumImagesToDeletePerCycle: 1,
  minPollingMetricsWaitMs: 5 * SECOND,
  maxPollingMetricsWaitMs: 20 * SECOND,
  minCgroupCpuPeriodMs: 8,
  maxCgroupCpuPeriodMs: 100,
} as const;

/** Drivers upstream knows a minimum Docker version for, plus awsfirelens (always accepted). */
export const KNOWN_LOGGING_DRIVERS = [
  'json-file',
  'syslog',
  'journald',
  'gelf',
  'fluentd',
  'awslogs',
  'splunk',
  'logentries',
  'sumologic',
  'none',
  'awsfirelens',
] as const;
