import { formatGoDuration } from '@fractal-ecs/common';
import type { AgentConfig, EngineAuthType, LoggingDriver, LoggingSettings } from './agent-config';
import { readConfigFileSettings, readUserDataSettings, type ConfigFileReader } from './config-file';
import { AgentConfigError } from './config-error';
import { AGENT_PROMETHEUS_PORT, BOUNDS, DEFAULTS, KNOWN_LOGGING_DRIVERS } from './defaults';
import { Diagnostics, shown } from './diagnostics';
import { readEnvironment, type Env, type EnvironmentOnlySettings } from './environment';
import type { AgentFlags } from './flags';
import { readFractalSettings } from './fractal-settings';
import { readLoggingSettings } from './logging-settings';
import { describeField, mergeSources, type UpstreamField, type UpstreamSettings } from './upstream-fields';

export interface AgentConfigSources {
  /** The process environment; the only place environment variables are read from. */
  readonly env: Env;
  /** Reads the file at ECS_AGENT_CONFIG_FILE_PATH; `readConfigFileFromDisk` in production. */
  readonly readFile: ConfigFileReader;
  /** Raw EC2 user data, when startup has fetched it: the lowest-priority source. */
  readonly userData?: string;
  /** Parsed command-line flags: `-k`, `-blackhole-ec2-metadata` and the log level flags. */
  readonly flags?: Partial<AgentFlags>;
}

export interface LoadedAgentConfig {
  readonly config: AgentConfig;
  /** Values that were ignored, clamped or defaulted, each naming the variable and the value. */
  readonly warnings: readonly string[];
}

/**
 * Builds the agent's configuration as upstream's NewConfig does. Field by field the environment wins,
 * then the JSON file, then EC2 user data, then the default; a value in the environment hides the
 * file's value for the same field even when both are valid, and a zero value (empty, 0, [] or {})
 * counts as unset. Bounds are then applied to the merged value, whichever source it came from.
 *
 * Returns the warnings instead of logging them, since the logger is configured from this result.
 * Throws AgentConfigError (the CLI exits 1) for what upstream treats as fatal: an unreadable or
 * invalid config file, invalid ECS_INSTANCE_ATTRIBUTES, ECS_CONTAINER_INSTANCE_TAGS or
 * ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES, an unknown logging driver, a stop timeout below 1s or a start
 * timeout below 45s (reachable from the file only), and ECS_EXTERNAL without AWS_DEFAULT_REGION.
 * A region still missing is left to startup, which asks IMDS first.
 */
export function loadAgentConfig(sources: AgentConfigSources): LoadedAgentConfig {
  const diag = new Diagnostics();
  const flags = sources.flags ?? {};
  const { settings: fromEnvironment, environmentOnly } = readEnvironment(sources.env, diag);
  const logging = readLoggingSettings(sources.env, flags, diag);
  const fractal = readFractalSettings(sources.env, diag);
  if (fromEnvironment.External && fromEnvironment.AWSRegion === undefined) {
    diag.fatal('AWS_DEFAULT_REGION must be set when running on external capacity (ECS_EXTERNAL is true)');
  }
  const fromFile = readConfigFileSettings(environmentOnly.configFilePath, sources.readFile, diag);
  const fromUserData = sources.userData === undefined ? {} : readUserDataSettings(sources.userData, diag);
  const merged = mergeSources(fromEnvironment, fromFile, fromUserData);
  const config: AgentConfig = { ...buildConfig(merged, environmentOnly, logging, flags, diag), fractal };
  if (diag.problems.length > 0) throw new AgentConfigError(diag.problems, config, diag.warnings);
  return { config, warnings: diag.warnings };
}

function buildConfig(
  s: UpstreamSettings,
  environmentOnly: EnvironmentOnlySettings,
  logging: LoggingSettings,
  flags: Partial<AgentFlags>,
  diag: Diagnostics,
): Omit<AgentConfig, 'fractal'> {
  const bounded = new Bounds(diag);
  const taskEniEnabled = s.TaskENIEnabled ?? false;
  const poll = s.PollMetrics ?? false;
  const [steadyStateRate, burstRate] = bounded.rates(s.TaskMetadataSteadyStateRate, s.TaskMetadataBurstRate);
  const reservedPorts = s.ReservedPorts ?? DEFAULTS.reservedPorts;
  return {
    configFilePath: environmentOnly.configFilePath,
    aws: {
      region: s.AWSRegion,
      apiEndpoint: s.APIEndpoint,
      credentials: environmentOnly.credentials,
      external: s.External ?? false,
      acceptInsecureCert: flags.acceptInsecureCert ?? false,
      blackholeEc2Metadata: flags.blackholeEc2Metadata ?? false,
    },
    cluster: {
      name: clusterName(s, diag),
      instanceAttributes: s.InstanceAttributes ?? {},
      containerInstanceTags: s.ContainerInstanceTags ?? {},
      propagateTagsFrom: s.ContainerInstancePropagateTagsFrom ?? 'none',
      spotInstanceDraining: s.SpotInstanceDrainingEnabled ?? false,
    },
    docker: {
      endpoint: s.DockerEndpoint ?? DEFAULTS.dockerEndpoint,
      authType: engineAuthType(s, diag),
      authData: s.EngineAuthData,
      availableLoggingDrivers: loggingDrivers(s.AvailableLoggingDrivers, diag),
    },
    resources: {
      reservedPorts: environmentOnly.prometheusEnabled ? [...reservedPorts, AGENT_PROMETHEUS_PORT] : reservedPorts,
      reservedPortsUdp: s.ReservedPortsUDP ?? [],
      reservedMemoryMiB: s.ReservedMemory ?? 0,
    },
    state: {
      dataDir: s.DataDir ?? DEFAULTS.dataDir,
      dataDirOnHost: s.DataDirOnHost ?? DEFAULTS.dataDirOnHost,
      checkpoint: s.Checkpoint ?? false,
    },
    updates: {
      enabled: s.UpdatesEnabled ?? false,
      downloadDir: s.UpdateDownloadDir,
    },
    containers: {
      stopTimeoutMs: bounded.minimumOrFatal(
        'DockerStopTimeout',
        s.DockerStopTimeout,
        BOUNDS.minDockerStopTimeoutMs,
        DEFAULTS.dockerStopTimeoutMs,
      ),
      startTimeoutMs: bounded.minimumOrFatal(
        'ContainerStartTimeout',
        s.ContainerStartTimeout,
        BOUNDS.minContainerStartTimeoutMs,
        DEFAULTS.containerStartTimeoutMs,
      ),
      createTimeoutMs: s.ContainerCreateTimeout ?? DEFAULTS.containerCreateTimeoutMs,
      pullDependentContainersUpfront: s.DependentContainersPullUpfront ?? false,
      sharedVolumeMatchFullConfig: s.SharedVolumeMatchFullConfig ?? false,
      excludeIpv6PortBinding: s.ShouldExcludeIPv6PortBinding ?? true,
      metadataFileEnabled: s.ContainerMetadataEnabled ?? false,
    },
    images: {
      pullBehavior: s.ImagePullBehavior ?? 'default',
      pullInactivityTimeoutMs: bounded.minimumOrDefault(
        'ImagePullInactivityTimeout',
        s.ImagePullInactivityTimeout,
        BOUNDS.minImagePullInactivityTimeoutMs,
        DEFAULTS.imagePullInactivityTimeoutMs,
      ),
      pullTimeoutMs: s.ImagePullTimeout ?? DEFAULTS.imagePullTimeoutMs,
      cleanup: {
        disabled: s.ImageCleanupDisabled ?? false,
        intervalMs: bounded.minimumOrDefault(
          'ImageCleanupInterval',
          s.ImageCleanupInterval,
          BOUNDS.minImageCleanupIntervalMs,
          DEFAULTS.imageCleanupIntervalMs,
        ),
        minimumAgeMs: s.MinimumImageDeletionAge ?? DEFAULTS.minimumImageDeletionAgeMs,
        nonEcsMinimumAgeMs: s.NonECSMinimumImageDeletionAge ?? DEFAULTS.nonEcsMinimumImageDeletionAgeMs,
        imagesPerCycle: bounded.minimumOrDefault(
          'NumImagesToDeletePerCycle',
          s.NumImagesToDeletePerCycle,
          BOUNDS.minNumImagesToDeletePerCycle,
          DEFAULTS.numImagesToDeletePerCycle,
          String,
        ),
        nonEcsContainersPerCycle: s.NumNonECSContainersToDeletePerCycle ?? DEFAULTS.numNonEcsContainersToDeletePerCycle,
        untrackedEnabled: s.DeleteNonECSImagesEnabled ?? false,
        exclusionList: s.ImageCleanupExclusionList ?? [],
      },
    },
    tasks: {
      cleanupWaitMs: bounded.minimumOrDefault(
        'TaskCleanupWaitDuration',
        s.TaskCleanupWaitDuration,
        BOUNDS.minTaskCleanupWaitMs,
        DEFAULTS.taskCleanupWaitMs,
      ),
      // A negative jitter has no meaning for "wait + random[0, jitter)".
      cleanupWaitJitterMs: bounded.minimumOrDefault('TaskCleanupWaitDurationJitter', s.TaskCleanupWaitDurationJitter, 0, 0),
      cpuMemLimit: { enabled: s.TaskCPUMemLimit ?? true, explicit: s.TaskCPUMemLimit !== undefined },
      cgroupPath: s.CgroupPath ?? DEFAULTS.cgroupPath,
      cgroupCpuPeriodMs: environmentOnly.cgroupCpuPeriodMs,
    },
    taskIam: {
      enabled: s.TaskIAMRoleEnabled ?? false,
      networkHostEnabled: s.TaskIAMRoleEnabledForNetworkHost ?? false,
      auditLogFile: s.CredentialsAuditLogFile ?? DEFAULTS.credentialsAuditLogFile,
      auditLogDisabled: s.CredentialsAuditLogDisabled ?? false,
    },
    awsvpc: {
      taskEniEnabled,
      // With task ENI on, upstream re-reads this from the environment after the merge.
      highDensityEni: (taskEniEnabled ? environmentOnly.highDensityEni : s.ENITrunkingEnabled) ?? true,
      cniPluginsPath: s.CNIPluginsPath ?? DEFAULTS.cniPluginsPath,
      blockInstanceMetadata: s.AWSVPCBlockInstanceMetdata ?? false,
      additionalLocalRoutes: s.AWSVPCAdditionalLocalRoutes ?? [],
    },
    metrics: {
      disabled: s.DisableMetrics ?? false,
      poll,
      pollingWaitMs: poll
        ? bounded.clamp('PollingMetricsWaitDuration', s.PollingMetricsWaitDuration ?? DEFAULTS.pollingMetricsWaitMs)
        : (s.PollingMetricsWaitDuration ?? DEFAULTS.pollingMetricsWaitMs),
      prometheusEnabled: environmentOnly.prometheusEnabled,
      runtimeStatsEnabled: s.EnableRuntimeStats ?? false,
    },
    capabilities: {
      privilegedDisabled: s.PrivilegedDisabled ?? false,
      selinuxCapable: s.SELinuxCapable ?? false,
      apparmorCapable: s.AppArmorCapable ?? false,
      dockerHealthCheckDisabled: s.DisableDockerHealthCheck ?? false,
      awslogsExecutionRoleOverride: s.OverrideAWSLogsExecutionRole ?? false,
      gpuSupportEnabled: s.GPUSupportEnabled ?? false,
      nvidiaRuntime: s.NvidiaRuntime ?? DEFAULTS.nvidiaRuntime,
      inferentiaSupportEnabled: s.InferentiaSupportEnabled ?? false,
      volumePluginCapabilities: s.VolumePluginCapabilities ?? [],
    },
    endpoints: {
      healthcheckHost: environmentOnly.healthcheckHost,
      taskMetadataSteadyStateRate: steadyStateRate,
      taskMetadataBurstRate: burstRate,
      taskMetadataAzDisabled: s.TaskMetadataAZDisabled ?? false,
    },
    logging,
  };
}

/** Upstream's validateAndOverrideBounds, applied to merged values. */
class Bounds {
  constructor(private readonly diag: Diagnostics) {}

  /** Below the minimum: warn and use the default (not the minimum), as upstream. */
  minimumOrDefault(
    field: UpstreamField,
    value: number | undefined,
    minimum: number,
    fallback: number,
    show: (value: number) => string = formatGoDuration,
  ): number {
    if (value === undefined) return fallback;
    if (value >= minimum) return value;
    this.diag.warn(
      `${describeField(field)} ${show(value)} is below the minimum ${show(minimum)}; using the default ${show(fallback)}`,
    );
    return fallback;
  }

  /** Below the minimum is fatal upstream; the best-effort configuration gets the default. */
  minimumOrFatal(field: UpstreamField, value: number | undefined, minimum: number, fallback: number): number {
    if (value === undefined) return fallback;
    if (value >= minimum) return value;
    this.diag.fatal(`${describeField(field)} ${formatGoDuration(value)} is below the minimum ${formatGoDuration(minimum)}`);
    return fallback;
  }

  /** PollingMetricsWaitDuration: out of [5s, 20s] is moved to the nearer end. */
  clamp(field: UpstreamField, value: number): number {
    const clamped = Math.min(Math.max(value, BOUNDS.minPollingMetricsWaitMs), BOUNDS.maxPollingMetricsWaitMs);
    if (clamped !== value) {
      this.diag.warn(
        `${describeField(field)} ${formatGoDuration(value)} is outside [5s, 20s]; using ${formatGoDuration(clamped)}`,
      );
    }
    return clamped;
  }

  /** Either rate not positive: both go back to 40,60. */
  rates(steady: number | undefined, burst: number | undefined): [number, number] {
    const resolved: [number, number] = [
      steady ?? DEFAULTS.taskMetadataSteadyStateRate,
      burst ?? DEFAULTS.taskMetadataBurstRate,
    ];
    if (resolved[0] > 0 && resolved[1] > 0) return resolved;
    this.diag.warn(
      `ECS_TASK_METADATA_RPS_LIMIT (config keys TaskMetadataSteadyStateRate, TaskMetadataBurstRate) ${resolved.join(',')} must be two positive rates; using 40,60`,
    );
    return [DEFAULTS.taskMetadataSteadyStateRate, DEFAULTS.taskMetadataBurstRate];
  }
}

function clusterName(s: UpstreamSettings, diag: Diagnostics): string | undefined {
  if (s.ClusterArn !== undefined) {
    diag.warn(`${shown('config key ClusterArn', s.ClusterArn)} is deprecated; use Cluster (ECS_CLUSTER)`);
  }
  return s.Cluster ?? s.ClusterArn;
}

function engineAuthType(s: UpstreamSettings, diag: Diagnostics): EngineAuthType | undefined {
  const type = s.EngineAuthType;
  if (type !== undefined && type !== 'docker' && type !== 'dockercfg') {
    diag.warn(`${shown(describeField('EngineAuthType'), type)} is not docker or dockercfg; no registry auth data is used`);
    return undefined;
  }
  if (type === undefined && s.EngineAuthData !== undefined) {
    diag.warn('ECS_ENGINE_AUTH_DATA is set without ECS_ENGINE_AUTH_TYPE (docker or dockercfg); it is not used');
  }
  return type;
}

/** An unknown driver is fatal upstream ("Invalid logging drivers"); awsfirelens is always accepted. */
function loggingDrivers(drivers: readonly string[] | undefined, diag: Diagnostics): readonly LoggingDriver[] {
  if (drivers === undefined) return DEFAULTS.availableLoggingDrivers;
  const known = new Set<string>(KNOWN_LOGGING_DRIVERS);
  const unknown = drivers.filter((driver) => !known.has(driver));
  if (unknown.length === 0) return drivers as LoggingDriver[];
  diag.fatal(
    `Invalid logging drivers: ${unknown.join(', ')} in ${describeField('AvailableLoggingDrivers')}=${JSON.stringify(drivers)}; known drivers: ${KNOWN_LOGGING_DRIVERS.join(', ')}`,
  );
  const usable = drivers.filter((driver) => known.has(driver)) as LoggingDriver[];
  return usable.length > 0 ? usable : DEFAULTS.availableLoggingDrivers;
}
