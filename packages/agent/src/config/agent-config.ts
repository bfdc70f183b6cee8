import type { KNOWN_LOGGING_DRIVERS } from './defaults';
import type { Secret } from './secret';

// The one configuration object the agent reads. Each field names the environment variable and, where
// upstream has one, the key of the JSON config file (a Go field name of upstream's Config struct).
// Durations are milliseconds. Windows-only variables (ECS_ENABLE_CPU_UNBOUNDED_WINDOWS_WORKAROUND,
// ECS_ENABLE_MEMORY_UNBOUNDED_WINDOWS_WORKAROUND, ECS_FSX_WINDOWS_FILE_SERVER_SUPPORTED, gMSA) are not
// read on Linux upstream either. ECS_LOG_OPTS and ECS_AGENT_LABELS belong to ecs-init, which turns them
// into the agent container's log driver and labels.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'crit' | 'none';
export type LogOutputFormat = 'logfmt' | 'json';
export type LogRollover = 'hourly' | 'size';
export type LoggingDriver = (typeof KNOWN_LOGGING_DRIVERS)[number];
export type ImagePullBehavior = 'default' | 'always' | 'once' | 'prefer-cached';
export type PropagateTagsFrom = 'none' | 'ec2_instance';
export type EngineAuthType = 'docker' | 'dockercfg';

/**
 * An upstream BooleanDefaultTrue/False whose "not set" state is still consulted after loading.
 * Upstream keeps that tri-state in many fields, but only ECS_ENABLE_TASK_CPU_MEM_LIMIT's is ever read
 * (explicitly enabled on a Docker without API 1.22 is an error; implicitly enabled is silently
 * switched off). Every other tri-state is resolved to a boolean here (ECS_CHECKPOINT from ECS_DATADIR).
 */
export interface DefaultedBoolean {
  readonly enabled: boolean;
  /** True when the value came from the environment or a file rather than the default. */
  readonly explicit: boolean;
}

export interface AwsStaticCredentials {
  /** AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY, as the SDK's environment provider accepts). */
  readonly accessKeyId: Secret;
  /** AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY). */
  readonly secretAccessKey: Secret;
  /** AWS_SESSION_TOKEN, for temporary credentials. */
  readonly sessionToken?: Secret;
}

export interface AwsSettings {
  /**
   * AWS_DEFAULT_REGION / AWSRegion. Undefined until startup asks IMDS (instance-identity document);
   * a region still missing then is fatal (exit 1). With ECS_EXTERNAL it must come from the environment.
   */
  readonly region: string | undefined;
  /** ECS_BACKEND_HOST / APIEndpoint: ECS API endpoint override; undefined = the SDK's regional endpoint. */
  readonly apiEndpoint: string | undefined;
  /**
   * Static credentials from the environment: the first link of the SDK default chain. Undefined = go on
   * with the shared credentials file, then the container or instance role.
   */
  readonly credentials: AwsStaticCredentials | undefined;
  /** ECS_EXTERNAL / External: ECS Anywhere, a fake IMDS client and a mandatory region. */
  readonly external: boolean;
  /** Flag `-k`: skip TLS certificate verification for every AWS endpoint. */
  readonly acceptInsecureCert: boolean;
  /** Flag `-blackhole-ec2-metadata`: use a fake IMDS client. */
  readonly blackholeEc2Metadata: boolean;
}

export interface ClusterSettings {
  /**
   * ECS_CLUSTER / Cluster (or the deprecated ClusterArn). Undefined: register into `default`
   * (DEFAULT_CLUSTER_NAME), creating it when ECS says it does not exist.
   */
  readonly name: string | undefined;
  /** ECS_INSTANCE_ATTRIBUTES / InstanceAttributes: sent only on the first registration. */
  readonly instanceAttributes: Readonly<Record<string, string>>;
  /** ECS_CONTAINER_INSTANCE_TAGS / ContainerInstanceTags: win over EC2 tags with the same key. */
  readonly containerInstanceTags: Readonly<Record<string, string>>;
  /** ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM / ContainerInstancePropagateTagsFrom (file: 0 none, 1 ec2_instance). */
  readonly propagateTagsFrom: PropagateTagsFrom;
  /** ECS_ENABLE_SPOT_INSTANCE_DRAINING / SpotInstanceDrainingEnabled. */
  readonly spotInstanceDraining: boolean;
}

export interface DockerSettings {
  /** DOCKER_HOST / DockerEndpoint. */
  readonly endpoint: string;
  /** ECS_ENGINE_AUTH_TYPE / EngineAuthType: format of `authData`. */
  readonly authType: EngineAuthType | undefined;
  /** ECS_ENGINE_AUTH_DATA / EngineAuthData: registry auth JSON text. Never logged. */
  readonly authData: Secret | undefined;
  /** ECS_AVAILABLE_LOGGING_DRIVERS / AvailableLoggingDrivers. */
  readonly availableLoggingDrivers: readonly LoggingDriver[];
}

export interface ResourceSettings {
  /** ECS_RESERVED_PORTS / ReservedPorts (TCP), plus 51680 when Prometheus metrics are enabled. */
  readonly reservedPorts: readonly number[];
  /** ECS_RESERVED_PORTS_UDP / ReservedPortsUDP. */
  readonly reservedPortsUdp: readonly number[];
  /** ECS_RESERVED_MEMORY / ReservedMemory: MiB subtracted from the reported MEMORY. */
  readonly reservedMemoryMiB: number;
}

export interface StateSettings {
  /** ECS_DATADIR / DataDir: where state is checkpointed, inside the agent container. */
  readonly dataDir: string;
  /** ECS_HOST_DATA_DIR / DataDirOnHost: host path of the same directory, for bind mounts into tasks. */
  readonly dataDirOnHost: string;
  /** ECS_CHECKPOINT / Checkpoint: defaults to on exactly when ECS_DATADIR is set non-empty. */
  readonly checkpoint: boolean;
}

export interface UpdateSettings {
  /** ECS_UPDATES_ENABLED / UpdatesEnabled: handle ACS StageUpdate/PerformUpdate (exit 42). */
  readonly enabled: boolean;
  /** ECS_UPDATE_DOWNLOAD_DIR / UpdateDownloadDir. */
  readonly downloadDir: string | undefined;
}

export interface ContainerSettings {
  /** ECS_CONTAINER_STOP_TIMEOUT / DockerStopTimeout: SIGTERM to SIGKILL; at least 1s. */
  readonly stopTimeoutMs: number;
  /** ECS_CONTAINER_START_TIMEOUT / ContainerStartTimeout: docker start API timeout; at least 45s. */
  readonly startTimeoutMs: number;
  /** ECS_CONTAINER_CREATE_TIMEOUT / ContainerCreateTimeout: docker create API timeout; env values at least 1m. */
  readonly createTimeoutMs: number;
  /** ECS_PULL_DEPENDENT_CONTAINERS_UPFRONT / DependentContainersPullUpfront. */
  readonly pullDependentContainersUpfront: boolean;
  /** ECS_SHARED_VOLUME_MATCH_FULL_CONFIG / SharedVolumeMatchFullConfig. */
  readonly sharedVolumeMatchFullConfig: boolean;
  /** ECS_EXCLUDE_IPV6_PORTBINDING / ShouldExcludeIPv6PortBinding (v1.55+). */
  readonly excludeIpv6PortBinding: boolean;
  /** ECS_ENABLE_CONTAINER_METADATA / ContainerMetadataEnabled: write the per-container metadata file. */
  readonly metadataFileEnabled: boolean;
}

export interface ImageCleanupSettings {
  /** ECS_DISABLE_IMAGE_CLEANUP / ImageCleanupDisabled. */
  readonly disabled: boolean;
  /** ECS_IMAGE_CLEANUP_INTERVAL / ImageCleanupInterval: below 10m is replaced by 30m. */
  readonly intervalMs: number;
  /** ECS_IMAGE_MINIMUM_CLEANUP_AGE / MinimumImageDeletionAge. */
  readonly minimumAgeMs: number;
  /** NON_ECS_IMAGE_MINIMUM_CLEANUP_AGE / NonECSMinimumImageDeletionAge. */
  readonly nonEcsMinimumAgeMs: number;
  /** ECS_NUM_IMAGES_DELETE_PER_CYCLE / NumImagesToDeletePerCycle: below 1 is replaced by 5. */
  readonly imagesPerCycle: number;
  /** NONECS_NUM_CONTAINERS_DELETE_PER_CYCLE / NumNonECSContainersToDeletePerCycle. */
  readonly nonEcsContainersPerCycle: number;
  /** ECS_ENABLE_UNTRACKED_IMAGE_CLEANUP / DeleteNonECSImagesEnabled. */
  readonly untrackedEnabled: boolean;
  /** ECS_EXCLUDE_UNTRACKED_IMAGE / ImageCleanupExclusionList: exact name:tag or image IDs; also protects tracked images. */
  readonly exclusionList: readonly string[];
}

export interface ImageSettings {
  /** ECS_IMAGE_PULL_BEHAVIOR / ImagePullBehavior (file: 0 default, 1 always, 2 once, 3 prefer-cached). */
  readonly pullBehavior: ImagePullBehavior;
  /** ECS_IMAGE_PULL_INACTIVITY_TIMEOUT / ImagePullInactivityTimeout: at least 1m. */
  readonly pullInactivityTimeoutMs: number;
  /** ECS_IMAGE_PULL_TIMEOUT / ImagePullTimeout: overall pull deadline. */
  readonly pullTimeoutMs: number;
  readonly cleanup: ImageCleanupSettings;
}

export interface TaskSettings {
  /** ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION / TaskCleanupWaitDuration: below 1m is replaced by 3h. */
  readonly cleanupWaitMs: number;
  /** ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION_JITTER / TaskCleanupWaitDurationJitter: wait + random [0, jitter). */
  readonly cleanupWaitJitterMs: number;
  /** ECS_ENABLE_TASK_CPU_MEM_LIMIT / TaskCPUMemLimit: per-task cgroup /ecs/<taskId>. */
  readonly cpuMemLimit: DefaultedBoolean;
  /** ECS_CGROUP_PATH / CgroupPath. */
  readonly cgroupPath: string;
  /** ECS_CGROUP_CPU_PERIOD: outside [8ms, 100ms] becomes 100ms. Upstream reads it from the environment only. */
  readonly cgroupCpuPeriodMs: number;
}

export interface TaskIamSettings {
  /** ECS_ENABLE_TASK_IAM_ROLE / TaskIAMRoleEnabled. */
  readonly enabled: boolean;
  /** ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST / TaskIAMRoleEnabledForNetworkHost. */
  readonly networkHostEnabled: boolean;
  /** ECS_AUDIT_LOGFILE / CredentialsAuditLogFile: audit log of credential requests. */
  readonly auditLogFile: string;
  /** ECS_AUDIT_LOGFILE_DISABLED / CredentialsAuditLogDisabled. */
  readonly auditLogDisabled: boolean;
}

export interface AwsvpcSettings {
  /** ECS_ENABLE_TASK_ENI / TaskENIEnabled. */
  readonly taskEniEnabled: boolean;
  /** ECS_ENABLE_HIGH_DENSITY_ENI / ENITrunkingEnabled: read from the environment only with task ENI on. */
  readonly highDensityEni: boolean;
  /** ECS_CNI_PLUGINS_PATH / CNIPluginsPath. */
  readonly cniPluginsPath: string;
  /** ECS_AWSVPC_BLOCK_IMDS / AWSVPCBlockInstanceMetdata (upstream's spelling). */
  readonly blockInstanceMetadata: boolean;
  /** ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES / AWSVPCAdditionalLocalRoutes: CIDRs. */
  readonly additionalLocalRoutes: readonly string[];
}

export interface MetricsSettings {
  /** ECS_DISABLE_METRICS / DisableMetrics: stop CPU/memory metrics (health is still published). */
  readonly disabled: boolean;
  /** ECS_POLL_METRICS / PollMetrics: poll docker stats instead of streaming. */
  readonly poll: boolean;
  /** ECS_POLLING_METRICS_WAIT_DURATION / PollingMetricsWaitDuration: clamped to [5s, 20s] when polling. */
  readonly pollingWaitMs: number;
  /** ECS_ENABLE_PROMETHEUS_METRICS: exposition on port 51680. Upstream reads it from the environment only. */
  readonly prometheusEnabled: boolean;
  /** ECS_ENABLE_RUNTIME_STATS / EnableRuntimeStats: pprof on the introspection port. */
  readonly runtimeStatsEnabled: boolean;
}

export interface CapabilitySettings {
  /** ECS_DISABLE_PRIVILEGED / PrivilegedDisabled: only suppresses the capability attribute. */
  readonly privilegedDisabled: boolean;
  /** ECS_SELINUX_CAPABLE / SELinuxCapable. */
  readonly selinuxCapable: boolean;
  /** ECS_APPARMOR_CAPABLE / AppArmorCapable. */
  readonly apparmorCapable: boolean;
  /** ECS_DISABLE_DOCKER_HEALTH_CHECK / DisableDockerHealthCheck. */
  readonly dockerHealthCheckDisabled: boolean;
  /** ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE / OverrideAWSLogsExecutionRole. */
  readonly awslogsExecutionRoleOverride: boolean;
  /** ECS_ENABLE_GPU_SUPPORT / GPUSupportEnabled. */
  readonly gpuSupportEnabled: boolean;
  /** ECS_NVIDIA_RUNTIME / NvidiaRuntime. */
  readonly nvidiaRuntime: string;
  /** ECS_ENABLE_INF_SUPPORT / InferentiaSupportEnabled (runtime `neuron`). */
  readonly inferentiaSupportEnabled: boolean;
  /** ECS_VOLUME_PLUGIN_CAPABILITIES / VolumePluginCapabilities: advertised as ecs.capability.<name>. */
  readonly volumePluginCapabilities: readonly string[];
}

export interface EndpointSettings {
  /** ECS_AGENT_HEALTHCHECK_HOST: host `-healthcheck` sends HEAD /v1/metadata to, port 51678. */
  readonly healthcheckHost: string;
  /** ECS_TASK_METADATA_RPS_LIMIT "steady,burst" / TaskMetadataSteadyStateRate. */
  readonly taskMetadataSteadyStateRate: number;
  /** ECS_TASK_METADATA_RPS_LIMIT "steady,burst" / TaskMetadataBurstRate. */
  readonly taskMetadataBurstRate: number;
  /** ECS_DISABLE_TASK_METADATA_AZ / TaskMetadataAZDisabled. */
  readonly taskMetadataAzDisabled: boolean;
}

/** Read from the environment only (upstream's logger does not use the Config struct). */
export interface LoggingSettings {
  /** ECS_LOGLEVEL, else flag `-loglevel`/`-loglevel-driver`: console (log driver) level. */
  readonly level: LogLevel;
  /**
   * ECS_LOGLEVEL_ON_INSTANCE, else flag `-loglevel`/`-loglevel-on-instance`, else `none` when
   * ECS_LOG_DRIVER is set non-empty, else ECS_LOGLEVEL: level of the on-instance file.
   */
  readonly levelOnInstance: LogLevel;
  /** ECS_LOGFILE: on-instance log file; undefined = none. */
  readonly file: string | undefined;
  /** ECS_LOG_OUTPUT_FORMAT. */
  readonly format: LogOutputFormat;
  /** ECS_LOG_ROLLOVER_TYPE: `size`, else hourly (upstream calls it `date`). */
  readonly rollover: LogRollover;
  /** ECS_LOG_MAX_FILE_SIZE_MB: size rollover only; bytes = MB × 1,000,000. */
  readonly maxFileSizeMB: number;
  /** ECS_LOG_MAX_ROLL_COUNT: rotated files kept. */
  readonly maxRollCount: number;
}

export type FractalDeviceProvider = 'none' | 'pool' | 'uinput';

/**
 * The Fractal fork: every container gets a FractalID, `%%FRACTAL_ID_PLACEHOLDER%%` in its host binds and
 * environment is replaced by it, the agent creates (and after cleanup removes) the container-specific
 * host directories, and a device provider gives each container devices of its own.
 */
export interface FractalSettings {
  /** ECS_FRACTAL_DEVICE_PROVIDER: none (default), pool (devices from ECS_FRACTAL_DEVICE_POOL), uinput. */
  readonly deviceProvider: FractalDeviceProvider;
  /** ECS_FRACTAL_DEVICE_POOL: comma-separated absolute host paths or globs (`/dev/input/event*`). */
  readonly devicePool: readonly string[];
  /** ECS_FRACTAL_DEVICES_PER_CONTAINER: pool devices per container (default 1; uinput always makes 3). */
  readonly devicesPerContainer: number;
  /** ECS_FRACTAL_DIR_MODE: octal mode of the directories the agent creates (default 0755). */
  readonly dirMode: number;
  /** ECS_FRACTAL_KEEP_DIRS: keep the container-specific directories after task cleanup (default false). */
  readonly keepDirs: boolean;
  /** ECS_FRACTAL_SOCKETS_DIR: per-container directory (with the placeholder) holding uinput.sock. */
  readonly socketsDir: string;
  /** ECS_FRACTAL_HOST_ROOT: where the agent sees the host's `/` (default `/`, the agent on the host). */
  readonly hostRoot: string;
}

export interface AgentConfig {
  /** ECS_AGENT_CONFIG_FILE_PATH: the JSON config file that was read (if it existed). */
  readonly configFilePath: string;
  readonly aws: AwsSettings;
  readonly cluster: ClusterSettings;
  readonly docker: DockerSettings;
  readonly resources: ResourceSettings;
  readonly state: StateSettings;
  readonly updates: UpdateSettings;
  readonly containers: ContainerSettings;
  readonly images: ImageSettings;
  readonly tasks: TaskSettings;
  readonly taskIam: TaskIamSettings;
  readonly awsvpc: AwsvpcSettings;
  readonly metrics: MetricsSettings;
  readonly capabilities: CapabilitySettings;
  readonly endpoints: EndpointSettings;
  readonly logging: LoggingSettings;
  /** The Fractal fork's per-container resources (environment only). */
  readonly fractal: FractalSettings;
}
