import type { ImagePullBehavior, PropagateTagsFrom } from './agent-config';
import type { Secret } from './secret';

// Upstream merges its sources field by field over its Go Config struct: the environment wins, then
// the JSON file, then EC2 user data, then defaults, and a field counts as unset when it holds Go's
// zero value (empty string, 0, false for plain booleans, an empty list or map, null for tri-states).
// Each source is therefore decoded into this one shape, keyed by the Go field names the JSON file uses,
// with every zero value left out.

export type FieldKind =
  | 'string'
  | 'trimmedString'
  | 'triState'
  | 'bool'
  | 'duration'
  | 'uint16'
  | 'int'
  | 'uint16List'
  | 'stringList'
  | 'stringMap'
  | 'secretJson'
  | 'imagePullBehavior'
  | 'propagateTagsFrom'
  | 'cidrList';

interface FieldSpec {
  readonly kind: FieldKind;
  /** The environment variable upstream reads into this field (named in messages). */
  readonly env?: string;
}

export const UPSTREAM_FIELDS = {
  Cluster: { kind: 'trimmedString', env: 'ECS_CLUSTER' },
  /** Deprecated: copied into Cluster when that is empty. */
  ClusterArn: { kind: 'trimmedString' },
  APIEndpoint: { kind: 'trimmedString', env: 'ECS_BACKEND_HOST' },
  AWSRegion: { kind: 'trimmedString', env: 'AWS_DEFAULT_REGION' },
  DockerEndpoint: { kind: 'string', env: 'DOCKER_HOST' },
  ReservedPorts: { kind: 'uint16List', env: 'ECS_RESERVED_PORTS' },
  ReservedPortsUDP: { kind: 'uint16List', env: 'ECS_RESERVED_PORTS_UDP' },
  DataDir: { kind: 'string', env: 'ECS_DATADIR' },
  DataDirOnHost: { kind: 'string', env: 'ECS_HOST_DATA_DIR' },
  Checkpoint: { kind: 'triState', env: 'ECS_CHECKPOINT' },
  EngineAuthType: { kind: 'trimmedString', env: 'ECS_ENGINE_AUTH_TYPE' },
  EngineAuthData: { kind: 'secretJson', env: 'ECS_ENGINE_AUTH_DATA' },
  UpdatesEnabled: { kind: 'triState', env: 'ECS_UPDATES_ENABLED' },
  UpdateDownloadDir: { kind: 'string', env: 'ECS_UPDATE_DOWNLOAD_DIR' },
  DisableMetrics: { kind: 'triState', env: 'ECS_DISABLE_METRICS' },
  PollMetrics: { kind: 'triState', env: 'ECS_POLL_METRICS' },
  PollingMetricsWaitDuration: { kind: 'duration', env: 'ECS_POLLING_METRICS_WAIT_DURATION' },
  DisableDockerHealthCheck: { kind: 'triState', env: 'ECS_DISABLE_DOCKER_HEALTH_CHECK' },
  ReservedMemory: { kind: 'uint16', env: 'ECS_RESERVED_MEMORY' },
  DockerStopTimeout: { kind: 'duration', env: 'ECS_CONTAINER_STOP_TIMEOUT' },
  ContainerStartTimeout: { kind: 'duration', env: 'ECS_CONTAINER_START_TIMEOUT' },
  ContainerCreateTimeout: { kind: 'duration', env: 'ECS_CONTAINER_CREATE_TIMEOUT' },
  DependentContainersPullUpfront: { kind: 'triState', env: 'ECS_PULL_DEPENDENT_CONTAINERS_UPFRONT' },
  ImagePullInactivityTimeout: { kind: 'duration', env: 'ECS_IMAGE_PULL_INACTIVITY_TIMEOUT' },
  ImagePullTimeout: { kind: 'duration', env: 'ECS_IMAGE_PULL_TIMEOUT' },
  AvailableLoggingDrivers: { kind: 'stringList', env: 'ECS_AVAILABLE_LOGGING_DRIVERS' },
  PrivilegedDisabled: { kind: 'triState', env: 'ECS_DISABLE_PRIVILEGED' },
  SELinuxCapable: { kind: 'triState', env: 'ECS_SELINUX_CAPABLE' },
  AppArmorCapable: { kind: 'triState', env: 'ECS_APPARMOR_CAPABLE' },
  TaskCleanupWaitDuration: { kind: 'duration', env: 'ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION' },
  TaskCleanupWaitDurationJitter: { kind: 'duration', env: 'ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION_JITTER' },
  TaskIAMRoleEnabled: { kind: 'triState', env: 'ECS_ENABLE_TASK_IAM_ROLE' },
  DeleteNonECSImagesEnabled: { kind: 'triState', env: 'ECS_ENABLE_UNTRACKED_IMAGE_CLEANUP' },
  TaskCPUMemLimit: { kind: 'triState', env: 'ECS_ENABLE_TASK_CPU_MEM_LIMIT' },
  CredentialsAuditLogFile: { kind: 'string', env: 'ECS_AUDIT_LOGFILE' },
  CredentialsAuditLogDisabled: { kind: 'bool', env: 'ECS_AUDIT_LOGFILE_DISABLED' },
  TaskIAMRoleEnabledForNetworkHost: { kind: 'bool', env: 'ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST' },
  TaskENIEnabled: { kind: 'triState', env: 'ECS_ENABLE_TASK_ENI' },
  ENITrunkingEnabled: { kind: 'triState', env: 'ECS_ENABLE_HIGH_DENSITY_ENI' },
  ImageCleanupDisabled: { kind: 'triState', env: 'ECS_DISABLE_IMAGE_CLEANUP' },
  MinimumImageDeletionAge: { kind: 'duration', env: 'ECS_IMAGE_MINIMUM_CLEANUP_AGE' },
  NonECSMinimumImageDeletionAge: { kind: 'duration', env: 'NON_ECS_IMAGE_MINIMUM_CLEANUP_AGE' },
  ImageCleanupInterval: { kind: 'duration', env: 'ECS_IMAGE_CLEANUP_INTERVAL' },
  NumImagesToDeletePerCycle: { kind: 'int', env: 'ECS_NUM_IMAGES_DELETE_PER_CYCLE' },
  NumNonECSContainersToDeletePerCycle: { kind: 'int', env: 'NONECS_NUM_CONTAINERS_DELETE_PER_CYCLE' },
  ImagePullBehavior: { kind: 'imagePullBehavior', env: 'ECS_IMAGE_PULL_BEHAVIOR' },
  InstanceAttributes: { kind: 'stringMap', env: 'ECS_INSTANCE_ATTRIBUTES' },
  CNIPluginsPath: { kind: 'string', env: 'ECS_CNI_PLUGINS_PATH' },
  AWSVPCBlockInstanceMetdata: { kind: 'triState', env: 'ECS_AWSVPC_BLOCK_IMDS' },
  AWSVPCAdditionalLocalRoutes: { kind: 'cidrList', env: 'ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES' },
  ContainerMetadataEnabled: { kind: 'triState', env: 'ECS_ENABLE_CONTAINER_METADATA' },
  OverrideAWSLogsExecutionRole: { kind: 'triState', env: 'ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE' },
  CgroupPath: { kind: 'string', env: 'ECS_CGROUP_PATH' },
  TaskMetadataSteadyStateRate: { kind: 'int', env: 'ECS_TASK_METADATA_RPS_LIMIT' },
  TaskMetadataBurstRate: { kind: 'int', env: 'ECS_TASK_METADATA_RPS_LIMIT' },
  SharedVolumeMatchFullConfig: { kind: 'triState', env: 'ECS_SHARED_VOLUME_MATCH_FULL_CONFIG' },
  ContainerInstancePropagateTagsFrom: { kind: 'propagateTagsFrom', env: 'ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM' },
  ContainerInstanceTags: { kind: 'stringMap', env: 'ECS_CONTAINER_INSTANCE_TAGS' },
  GPUSupportEnabled: { kind: 'bool', env: 'ECS_ENABLE_GPU_SUPPORT' },
  InferentiaSupportEnabled: { kind: 'bool', env: 'ECS_ENABLE_INF_SUPPORT' },
  ImageCleanupExclusionList: { kind: 'stringList', env: 'ECS_EXCLUDE_UNTRACKED_IMAGE' },
  NvidiaRuntime: { kind: 'trimmedString', env: 'ECS_NVIDIA_RUNTIME' },
  TaskMetadataAZDisabled: { kind: 'bool', env: 'ECS_DISABLE_TASK_METADATA_AZ' },
  SpotInstanceDrainingEnabled: { kind: 'triState', env: 'ECS_ENABLE_SPOT_INSTANCE_DRAINING' },
  VolumePluginCapabilities: { kind: 'stringList', env: 'ECS_VOLUME_PLUGIN_CAPABILITIES' },
  External: { kind: 'triState', env: 'ECS_EXTERNAL' },
  EnableRuntimeStats: { kind: 'triState', env: 'ECS_ENABLE_RUNTIME_STATS' },
  ShouldExcludeIPv6PortBinding: { kind: 'triState', env: 'ECS_EXCLUDE_IPV6_PORTBINDING' },
} as const satisfies Record<string, FieldSpec>;

/**
 * Config keys upstream accepts in the file but never lets it decide: the environment (or a constant)
 * always overwrites them after the merge.
 */
export const ENVIRONMENT_ONLY_FILE_KEYS: Readonly<Record<string, string>> = {
  CgroupCPUPeriod: 'ECS_CGROUP_CPU_PERIOD',
  PrometheusMetricsEnabled: 'ECS_ENABLE_PROMETHEUS_METRICS',
};

export type UpstreamField = keyof typeof UPSTREAM_FIELDS;

type ValueOfKind<K extends FieldKind> = K extends 'string' | 'trimmedString'
  ? string
  : K extends 'triState' | 'bool'
    ? boolean
    : K extends 'duration' | 'uint16' | 'int'
      ? number
      : K extends 'uint16List'
        ? readonly number[]
        : K extends 'stringList' | 'cidrList'
          ? readonly string[]
          : K extends 'stringMap'
            ? Readonly<Record<string, string>>
            : K extends 'secretJson'
              ? Secret
              : K extends 'imagePullBehavior'
                ? ImagePullBehavior
                : K extends 'propagateTagsFrom'
                  ? PropagateTagsFrom
                  : never;

/** One source's settings; a missing field is unset (Go zero value) and falls through to the next source. */
export type UpstreamSettings = {
  -readonly [F in UpstreamField]?: ValueOfKind<(typeof UPSTREAM_FIELDS)[F]['kind']>;
};

/** Field by field, the first source that sets a value wins. */
export function mergeSources(...sources: readonly UpstreamSettings[]): UpstreamSettings {
  const merged: Record<string, unknown> = {};
  for (const source of sources) {
    for (const [field, value] of Object.entries(source)) {
      if (value !== undefined && merged[field] === undefined) merged[field] = value;
    }
  }
  return merged as UpstreamSettings;
}

/** "ECS_X (config key X)" for messages about a merged value, which either source may have set. */
export function describeField(field: UpstreamField): string {
  const spec: FieldSpec = UPSTREAM_FIELDS[field];
  return spec.env ? `${spec.env} (config key ${field})` : `config key ${field}`;
}
