import { formatGoDuration, parseGoBool, parseGoDuration } from '@fractal-ecs/common';
import type { AwsStaticCredentials } from './agent-config';
import { BOUNDS, DEFAULT_CONFIG_FILE_PATH, DEFAULTS } from './defaults';
import { shown, type Diagnostics } from './diagnostics';
import { decodeJsonValue, parseGoInt, parseGoUint16 } from './go-values';
import { Secret } from './secret';
import type { FieldKind, UpstreamSettings } from './upstream-fields';

export type Env = Readonly<Record<string, string | undefined>>;

/** Settings upstream takes from the environment alone, whatever the file says. */
export interface EnvironmentOnlySettings {
  readonly configFilePath: string;
  readonly cgroupCpuPeriodMs: number;
  readonly prometheusEnabled: boolean;
  /** ECS_ENABLE_HIGH_DENSITY_ENI, undefined when unset; only consulted with task ENI enabled. */
  readonly highDensityEni: boolean | undefined;
  readonly credentials: AwsStaticCredentials | undefined;
  readonly healthcheckHost: string;
}

/**
 * Upstream's environmentConfig(): every variable parsed with upstream's rules into the merge shape.
 * Unparsable values warn and stay unset (the file or the default applies), except the three JSON
 * values upstream treats as fatal.
 */
export function readEnvironment(
  env: Env,
  diag: Diagnostics,
): { settings: UpstreamSettings; environmentOnly: EnvironmentOnlySettings } {
  const read = new EnvReader(env, diag);
  const [steadyStateRate, burstRate] = read.taskMetadataRates('ECS_TASK_METADATA_RPS_LIMIT');
  const settings: UpstreamSettings = {
    Cluster: read.trimmed('ECS_CLUSTER'),
    APIEndpoint: read.trimmed('ECS_BACKEND_HOST'),
    AWSRegion: read.trimmed('AWS_DEFAULT_REGION'),
    DockerEndpoint: read.string('DOCKER_HOST'),
    ReservedPorts: read.json('ECS_RESERVED_PORTS', 'uint16List', 'warn') as number[] | undefined,
    ReservedPortsUDP: read.json('ECS_RESERVED_PORTS_UDP', 'uint16List', 'warn') as number[] | undefined,
    DataDir: read.string('ECS_DATADIR'),
    // Checkpointing defaults to on exactly when ECS_DATADIR is set in the environment.
    Checkpoint: read.triState('ECS_CHECKPOINT') ?? (read.string('ECS_DATADIR') !== undefined ? true : undefined),
    EngineAuthType: read.trimmed('ECS_ENGINE_AUTH_TYPE'),
    EngineAuthData: read.secretJson('ECS_ENGINE_AUTH_DATA'),
    UpdatesEnabled: read.triState('ECS_UPDATES_ENABLED'),
    UpdateDownloadDir: read.string('ECS_UPDATE_DOWNLOAD_DIR'),
    DisableMetrics: read.triState('ECS_DISABLE_METRICS'),
    ReservedMemory: read.uint16('ECS_RESERVED_MEMORY'),
    AvailableLoggingDrivers: read.json('ECS_AVAILABLE_LOGGING_DRIVERS', 'stringList', 'warn') as string[] | undefined,
    PrivilegedDisabled: read.triState('ECS_DISABLE_PRIVILEGED'),
    SELinuxCapable: read.triState('ECS_SELINUX_CAPABLE'),
    AppArmorCapable: read.triState('ECS_APPARMOR_CAPABLE'),
    TaskCleanupWaitDuration: read.duration('ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION'),
    TaskCleanupWaitDurationJitter: read.duration('ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION_JITTER'),
    TaskENIEnabled: read.triState('ECS_ENABLE_TASK_ENI'),
    TaskIAMRoleEnabled: read.triState('ECS_ENABLE_TASK_IAM_ROLE'),
    DeleteNonECSImagesEnabled: read.triState('ECS_ENABLE_UNTRACKED_IMAGE_CLEANUP'),
    TaskCPUMemLimit: read.triState('ECS_ENABLE_TASK_CPU_MEM_LIMIT'),
    DockerStopTimeout: read.durationAtLeast('ECS_CONTAINER_STOP_TIMEOUT', BOUNDS.minDockerStopTimeoutMs),
    ContainerStartTimeout: read.durationAtLeast('ECS_CONTAINER_START_TIMEOUT', BOUNDS.minContainerStartTimeoutMs),
    ContainerCreateTimeout: read.durationAtLeast('ECS_CONTAINER_CREATE_TIMEOUT', BOUNDS.minContainerCreateTimeoutMs),
    DependentContainersPullUpfront: read.triState('ECS_PULL_DEPENDENT_CONTAINERS_UPFRONT'),
    ImagePullInactivityTimeout: read.durationAtLeast(
      'ECS_IMAGE_PULL_INACTIVITY_TIMEOUT',
      BOUNDS.minImagePullInactivityTimeoutMs,
    ),
    ImagePullTimeout: read.duration('ECS_IMAGE_PULL_TIMEOUT'),
    CredentialsAuditLogFile: read.string('ECS_AUDIT_LOGFILE'),
    CredentialsAuditLogDisabled: read.plainBool('ECS_AUDIT_LOGFILE_DISABLED'),
    TaskIAMRoleEnabledForNetworkHost: read.plainBool('ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST'),
    ImageCleanupDisabled: read.triState('ECS_DISABLE_IMAGE_CLEANUP'),
    MinimumImageDeletionAge: read.duration('ECS_IMAGE_MINIMUM_CLEANUP_AGE'),
    NonECSMinimumImageDeletionAge: read.duration('NON_ECS_IMAGE_MINIMUM_CLEANUP_AGE'),
    ImageCleanupInterval: read.duration('ECS_IMAGE_CLEANUP_INTERVAL'),
    NumImagesToDeletePerCycle: read.int('ECS_NUM_IMAGES_DELETE_PER_CYCLE'),
    NumNonECSContainersToDeletePerCycle: read.int('NONECS_NUM_CONTAINERS_DELETE_PER_CYCLE'),
    ImagePullBehavior: read.choice('ECS_IMAGE_PULL_BEHAVIOR', ['default', 'always', 'once', 'prefer-cached']),
    ImageCleanupExclusionList: read.string('ECS_EXCLUDE_UNTRACKED_IMAGE')?.split(','),
    InstanceAttributes: read.json('ECS_INSTANCE_ATTRIBUTES', 'stringMap', 'fatal') as Record<string, string> | undefined,
    CNIPluginsPath: read.string('ECS_CNI_PLUGINS_PATH'),
    AWSVPCBlockInstanceMetdata: read.triState('ECS_AWSVPC_BLOCK_IMDS'),
    AWSVPCAdditionalLocalRoutes: read.json('ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES', 'cidrList', 'fatal') as
      | string[]
      | undefined,
    ContainerMetadataEnabled: read.triState('ECS_ENABLE_CONTAINER_METADATA'),
    DataDirOnHost: read.string('ECS_HOST_DATA_DIR'),
    OverrideAWSLogsExecutionRole: read.triState('ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE'),
    CgroupPath: read.string('ECS_CGROUP_PATH'),
    TaskMetadataSteadyStateRate: steadyStateRate,
    TaskMetadataBurstRate: burstRate,
    SharedVolumeMatchFullConfig: read.triState('ECS_SHARED_VOLUME_MATCH_FULL_CONFIG'),
    ContainerInstanceTags: read.json('ECS_CONTAINER_INSTANCE_TAGS', 'stringMap', 'fatal') as
      | Record<string, string>
      | undefined,
    ContainerInstancePropagateTagsFrom: read.choice('ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM', [
      'none',
      'ec2_instance',
    ]),
    PollMetrics: read.triState('ECS_POLL_METRICS'),
    PollingMetricsWaitDuration: read.duration('ECS_POLLING_METRICS_WAIT_DURATION'),
    DisableDockerHealthCheck: read.triState('ECS_DISABLE_DOCKER_HEALTH_CHECK'),
    GPUSupportEnabled: read.plainBool('ECS_ENABLE_GPU_SUPPORT'),
    InferentiaSupportEnabled: read.plainBool('ECS_ENABLE_INF_SUPPORT'),
    NvidiaRuntime: read.trimmed('ECS_NVIDIA_RUNTIME'),
    TaskMetadataAZDisabled: read.plainBool('ECS_DISABLE_TASK_METADATA_AZ'),
    SpotInstanceDrainingEnabled: read.triState('ECS_ENABLE_SPOT_INSTANCE_DRAINING'),
    VolumePluginCapabilities: read.json('ECS_VOLUME_PLUGIN_CAPABILITIES', 'stringList', 'warn') as string[] | undefined,
    External: read.triState('ECS_EXTERNAL'),
    EnableRuntimeStats: read.triState('ECS_ENABLE_RUNTIME_STATS'),
    ShouldExcludeIPv6PortBinding: read.triState('ECS_EXCLUDE_IPV6_PORTBINDING'),
  };
  const environmentOnly: EnvironmentOnlySettings = {
    configFilePath: read.trimmed('ECS_AGENT_CONFIG_FILE_PATH') ?? DEFAULT_CONFIG_FILE_PATH,
    cgroupCpuPeriodMs: read.cgroupCpuPeriod('ECS_CGROUP_CPU_PERIOD'),
    prometheusEnabled: read.plainBool('ECS_ENABLE_PROMETHEUS_METRICS') ?? false,
    highDensityEni: read.triState('ECS_ENABLE_HIGH_DENSITY_ENI'),
    credentials: read.credentials(),
    healthcheckHost: read.string('ECS_AGENT_HEALTHCHECK_HOST') ?? DEFAULTS.healthcheckHost,
  };
  return { settings, environmentOnly };
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly diag: Diagnostics,
  ) {}

  /** The value, with empty meaning unset as everywhere upstream. */
  string(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  trimmed(name: string): string | undefined {
    return this.string(name)?.trim() || undefined;
  }

  /** BooleanDefaultFalse/True: trimmed strconv.ParseBool; invalid warns and stays unset. */
  triState(name: string): boolean | undefined {
    const value = this.string(name);
    const text = value?.trim();
    if (value === undefined || !text) return undefined;
    const parsed = parseGoBool(text);
    if (parsed === undefined) this.diag.warn(`${shown(name, value)} is not a boolean (true/false/1/0/t/f); ignored`);
    return parsed;
  }

  /** utils.ParseBool with default false: false is Go's zero value, so it leaves the field unset. */
  plainBool(name: string): true | undefined {
    return this.triState(name) || undefined;
  }

  /** time.ParseDuration; 0 is unset. Plain numbers such as "10" have no unit and are rejected. */
  duration(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const ms = parseGoDuration(value);
    if (ms === undefined) {
      this.diag.warn(`${shown(name, value)} is not a Go duration such as "30s", "10m" or "1h30m"; ignored`);
    }
    return ms || undefined;
  }

  /** Upstream's timeout parsers: a non-zero value below the minimum is raised to it. */
  durationAtLeast(name: string, minimumMs: number): number | undefined {
    const ms = this.duration(name);
    if (ms === undefined || ms >= minimumMs) return ms;
    this.diag.warn(`${shown(name, this.env[name]!)} is below the minimum ${formatGoDuration(minimumMs)}; using the minimum`);
    return minimumMs;
  }

  /** ECS_CGROUP_CPU_PERIOD: anything outside [8ms, 100ms] is 100ms. */
  cgroupCpuPeriod(name: string): number {
    const ms = this.duration(name);
    if (ms === undefined) return DEFAULTS.cgroupCpuPeriodMs;
    if (ms >= BOUNDS.minCgroupCpuPeriodMs && ms <= BOUNDS.maxCgroupCpuPeriodMs) return ms;
    this.diag.warn(`${shown(name, this.env[name]!)} is outside [8ms, 100ms]; using 100ms`);
    return DEFAULTS.cgroupCpuPeriodMs;
  }

  /** strconv.ParseUint(…, 16): above 65535 or not a number warns and stays unset; 0 is unset. */
  uint16(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const parsed = parseGoUint16(value);
    if (parsed === undefined) this.diag.warn(`${shown(name, value)} is not an integer from 0 to 65535; ignored`);
    return parsed || undefined;
  }

  /** strconv.Atoi; 0 is unset. */
  int(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const parsed = parseGoInt(value);
    if (parsed === undefined) this.diag.warn(`${shown(name, value)} is not an integer; ignored`);
    return parsed || undefined;
  }

  /** A JSON value; an empty list or object counts as unset, so the default applies. */
  json(name: string, kind: FieldKind, severity: 'warn' | 'fatal'): unknown {
    const value = this.string(name);
    if (value === undefined) return undefined;
    let decoded: unknown;
    try {
      decoded = JSON.parse(value);
    } catch {
      decoded = Symbol('invalid');
    }
    const result = decodeJsonValue(kind, decoded);
    if (result.ok) return result.value;
    const message = `${shown(name, value)} is not ${result.expected}`;
    if (severity === 'fatal') this.diag.fatal(message);
    else this.diag.warn(`${message}; ignored`);
    return undefined;
  }

  /** Kept verbatim for the registry auth code; a value that is not JSON is flagged without showing it. */
  secretJson(name: string): Secret | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    try {
      JSON.parse(value);
    } catch {
      this.diag.warn(`${name} is not valid JSON (value not shown); registry authentication with it will fail`);
    }
    return new Secret(value);
  }

  /** An enum whose first choice is upstream's zero value; unknown values warn and fall back to it. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!choices.includes(value as T)) {
      this.diag.warn(`${shown(name, value)} is not one of ${choices.join(', ')}; using ${choices[0]}`);
      return undefined;
    }
    return value === choices[0] ? undefined : (value as T);
  }

  /** "steady,burst": two integers, each trimmed; anything else warns and leaves both unset. */
  taskMetadataRates(name: string): [number | undefined, number | undefined] {
    const value = this.string(name);
    if (value === undefined) return [undefined, undefined];
    const parts = value.split(',').map((part) => parseGoInt(part.trim()));
    if (parts.length !== 2 || parts.includes(undefined)) {
      this.diag.warn(`${shown(name, value)} is not "steadyStateRate,burstRate" like "40,60"; ignored`);
      return [undefined, undefined];
    }
    return [parts[0] || undefined, parts[1] || undefined];
  }

  /** The AWS SDK's environment credential provider; values never appear in messages. */
  credentials(): AwsStaticCredentials | undefined {
    const accessKeyId = this.string('AWS_ACCESS_KEY_ID') ?? this.string('AWS_ACCESS_KEY');
    const secretAccessKey = this.string('AWS_SECRET_ACCESS_KEY') ?? this.string('AWS_SECRET_KEY');
    const sessionToken = this.string('AWS_SESSION_TOKEN');
    if (accessKeyId !== undefined && secretAccessKey !== undefined) {
      return {
        accessKeyId: new Secret(accessKeyId),
        secretAccessKey: new Secret(secretAccessKey),
        ...(sessionToken !== undefined && { sessionToken: new Secret(sessionToken) }),
      };
    }
    if (accessKeyId !== undefined || secretAccessKey !== undefined) {
      const missing = accessKeyId === undefined ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY';
      this.diag.warn(`${missing} is not set, so the AWS credentials in the environment are not used`);
    }
    return undefined;
  }
}
