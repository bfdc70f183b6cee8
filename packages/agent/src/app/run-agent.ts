import { buildInfo, systemClock, type Clock, type Logger } from '@fractal-ecs/common';
import { AcsClient, DEFAULT_ACS_TIMINGS, type AcsTimings } from '../acs';
import {
  AGENT_CREDENTIALS_PORT,
  AGENT_INTROSPECTION_PORT,
  AGENT_PROMETHEUS_PORT,
  AgentConfigError,
  DEFAULT_CLUSTER_NAME,
  loadAgentConfig,
  readConfigFileFromDisk,
  toLoggable,
  type AgentConfig,
  type AgentFlags,
  type ConfigFileReader,
} from '../config';
import type { Env } from '../config/environment';
import { agentCredentials, imdsInstanceMetadata, TaskCredentialsStore, unavailableInstanceMetadata, type InstanceMetadata } from '../credentials';
import {
  createEcsClient,
  instanceResources,
  PollEndpointResolver,
  registerContainerInstance,
  registrationAttributes,
  supportedDockerApiVersions,
  RegistrationError,
  sdkEcsApi,
  type EcsApi,
} from '../ecsclient';
import { containerInstanceTags, InstanceTagsError, sdkEc2TagsApi } from '../ec2';
import { DockerodeDockerClient, type DockerClient } from '../dockerclient';
import { createDockerTaskEngine, type DockerTaskEngine, type EngineSettings, type TaskEngine } from '../engine';
import { sdkStateChangeApi, type StateChangeApi } from '../eventhandler';
import { introspectionTask, startIntrospectionServer } from '../handlers';
import { createAuditLog, ecsResourceTags, runTaskEndpoints, taskStateFromTasks, type StatsReader } from '../handlers/taskserver';
import { startPrometheusEndpoint, trackConnections } from '../metrics';
import { AgentCheckpoint, StateFile } from '../statemanager';
import { setUpTaskCgroups, TaskCgroupSetupError } from '../taskresource/cgroup';
import { loadGpuRegistration, NVIDIA_GPU_INFO_FILE } from '../gpu';
import { drainOnSpotInterruption } from '../spot';
import { createStatsEngine, statsSettingsFromConfig, type StatsEngine } from '../stats';
import { AgentUpdater } from '../updater';
import { DEFAULT_TCS_TIMINGS, emptyTelemetrySource, TcsClient, type TcsTimings, type TelemetrySource } from '../tcs';
import { wsConnector, createRequestSigner, type CredentialsProvider, type WsConnector } from '../wsclient';
import { createAgentLogger } from './agent-logger';
import { ExitCode } from './exit-codes';
import { systemHostFacts, type HostFacts } from './host-facts';
import { checkpointManifestSequence } from './checkpoint-manifest-sequence';
import { finalSave, FINAL_SAVE_LIMITS, type FinalSaveLimits } from './final-save';
import { checkpointInstanceStore, type InstanceStateStore, type SavedInstance } from './instance-state-store';
import { LICENSE_TEXT } from './license';

/** Everything the agent takes from outside; production passes env, flags and a signal, tests swap the rest. */
export interface AgentRuntime {
  readonly env: Env;
  readonly flags?: Partial<AgentFlags>;
  /**
   * Aborted on SIGTERM/SIGINT (the reason names the signal): sessions close, the engine is disabled and
   * the state saved within upstream's limits; the agent exits 0, or 5 when either ran out of time.
   */
  readonly signal: AbortSignal;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Default: built from the logging settings. */
  readonly logger?: Logger;
  readonly readConfigFile?: ConfigFileReader;
  /** Default: IMDS (AWS_EC2_METADATA_SERVICE_ENDPOINT honoured), unless ECS_EXTERNAL or -blackhole-ec2-metadata. */
  readonly instanceMetadata?: InstanceMetadata;
  /** Default: /var/lib/ecs/gpu/nvidia-gpu-info.json, written by ecs-init's pre-start. */
  readonly gpuInfoFile?: string;
  readonly host?: HostFacts;
  /** Default: the SDK's credential chain. */
  readonly credentials?: CredentialsProvider;
  readonly ecsApi?: EcsApi;
  readonly connector?: WsConnector;
  readonly stateStore?: InstanceStateStore;
  /** Default: the Docker task engine on DOCKER_HOST. */
  readonly engine?: TaskEngine;
  readonly docker?: DockerClient;
  /** Default: the SDK client of the ECS API. */
  readonly stateChangeApi?: StateChangeApi;
  /** Test hook: engine timings the configuration bounds (cleanup wait, drain interval). */
  readonly engineSettings?: Partial<EngineSettings>;
  /** Default 51678; 0 picks a free port. */
  readonly introspectionPort?: number;
  /** Task server port (default 51679 on 127.0.0.1); 0 picks a free port. */
  readonly taskServerPort?: number;
  /** Prometheus port when ECS_ENABLE_PROMETHEUS_METRICS (default 51680); 0 picks a free port. */
  readonly prometheusPort?: number;
  /** Last container stats for the metadata endpoints and Prometheus (the stats engine); none: stats read as not collected. */
  readonly stats?: StatsReader;
  /** Called with the engine once it runs (tests read its tasks). */
  readonly onEngine?: (engine: DockerTaskEngine) => void;
  readonly telemetry?: TelemetrySource;
  readonly acsTimings?: AcsTimings;
  readonly tcsTimings?: TcsTimings;
  /** Test hook: the final save's limits (upstream's 5 s and 3 s). */
  readonly finalSaveLimits?: FinalSaveLimits;
}

/** A failure that ends startup with an exit code and one clear log line. */
class StartupError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

/**
 * Upstream's doStart, as far as this agent goes today: configuration, region and credentials, the
 * saved instance, RegisterContainerInstance, then TCS in the background and ACS in the foreground
 * until the agent is stopped. Resolves the process exit code.
 */
export async function runAgent(runtime: AgentRuntime): Promise<ExitCode> {
  const loaded = await loadConfiguration(runtime);
  const logger = runtime.logger ?? createAgentLogger(loaded.config.logging);
  try {
    for (const warning of loaded.warnings) logger.warn(warning);
    if (loaded.problems.length > 0) {
      for (const problem of loaded.problems) logger.error(problem);
      return ExitCode.error;
    }
    return await startAgent(loaded.config, loaded.metadata, runtime, logger);
  } catch (error) {
    if (error instanceof StartupError) {
      logger.error(error.message);
      return error.exitCode;
    }
    logger.error({ err: error instanceof Error ? error.stack : String(error) }, 'Agent failed unexpectedly');
    return ExitCode.error;
  } finally {
    await logger.close();
  }
}

interface LoadedConfiguration {
  config: AgentConfig;
  warnings: readonly string[];
  problems: readonly string[];
  metadata: InstanceMetadata;
}

/** Environment and file first; then, on EC2, user data as the lowest-priority source. */
async function loadConfiguration(runtime: AgentRuntime): Promise<LoadedConfiguration> {
  const sources = { env: runtime.env, readFile: runtime.readConfigFile ?? readConfigFileFromDisk, flags: runtime.flags ?? {} };
  const load = (userData?: string) => {
    try {
      const { config, warnings } = loadAgentConfig({ ...sources, ...(userData === undefined ? {} : { userData }) });
      return { config, warnings, problems: [] as readonly string[] };
    } catch (error) {
      if (error instanceof AgentConfigError) return { config: error.config, warnings: error.warnings, problems: error.problems };
      throw error;
    }
  };
  const first = load();
  const metadata = runtime.instanceMetadata ?? defaultInstanceMetadata(first.config, runtime.env);
  if (first.problems.length > 0) return { ...first, metadata };
  const userData = await metadata.userData().catch(() => undefined);
  return { ...(userData ? load(userData) : first), metadata };
}

function defaultInstanceMetadata(config: AgentConfig, env: Env): InstanceMetadata {
  if (config.aws.external) return unavailableInstanceMetadata('ECS_EXTERNAL is true');
  if (config.aws.blackholeEc2Metadata) return unavailableInstanceMetadata('-blackhole-ec2-metadata');
  return imdsInstanceMetadata({ endpoint: env.AWS_EC2_METADATA_SERVICE_ENDPOINT || undefined });
}

async function startAgent(config: AgentConfig, metadata: InstanceMetadata, runtime: AgentRuntime, logger: Logger): Promise<ExitCode> {
  const clock = runtime.clock ?? systemClock;
  const random = runtime.random ?? Math.random;
  const agentHash = `${buildInfo.gitDirty ? '*' : ''}${buildInfo.gitShortHash}`;
  logger.info({ version: buildInfo.version, commit: agentHash }, 'Amazon ECS agent starting');
  logger.info({ config: toLoggable(config) }, 'Loaded configuration');

  const region = config.aws.region ?? (await metadata.region().catch(() => undefined));
  if (!region) throw new StartupError('AWS_DEFAULT_REGION: no region configured and none found in instance metadata', ExitCode.error);
  const credentials = runtime.credentials ?? agentCredentials(config.aws.credentials);
  // Upstream's preflight: a failure is only reported; registration gives the real answer.
  await credentials().catch((error: Error) => logger.warn({ err: error.message }, 'No AWS credentials available yet'));
  const host = runtime.host ?? systemHostFacts(config.docker.endpoint);
  const ecsClient = () =>
      createEcsClient({
        region,
        endpoint: config.aws.apiEndpoint,
        credentials,
        acceptInsecureCert: config.aws.acceptInsecureCert,
        userAgent: `Amazon ECS Agent - v${buildInfo.version} (${agentHash}) (linux) (+http://aws.amazon.com/ecs/)`,
      });
  const api = runtime.ecsApi ?? sdkEcsApi(ecsClient());

  const checkpoint = new AgentCheckpoint(config.state.checkpoint ? new StateFile(config.state.dataDir, () => clock.now()) : undefined, logger);
  await checkpoint.load().catch((error: Error) => {
    throw new StartupError(error.message, ExitCode.terminal);
  });
  const store = runtime.stateStore ?? checkpointInstanceStore(checkpoint);
  if (!config.state.checkpoint) logger.info('Checkpointing is off: a new container instance is registered on every start');
  const ec2InstanceId = await metadata.instanceId().catch(() => undefined);
  const saved = await restoreInstance(store, config, ec2InstanceId, logger, () => checkpoint.forgetSavedState());
  const cluster = saved?.cluster ?? config.cluster.name ?? DEFAULT_CLUSTER_NAME;

  const dockerVersion = await host.dockerVersion();
  const dockerApi = await host.dockerApiRange?.();
  const identity = await metadata.identity().catch((error: Error) => {
    if (!config.aws.external) logger.warn({ err: error.message }, 'Unable to get the instance identity document; registering without it');
    return { document: '', signature: '' };
  });
  const docker = runtime.docker ?? new DockerodeDockerClient({ endpoint: config.docker.endpoint, clock });
  // Upstream's step before registration: the /ecs cgroup for task limits. Off when the tasks run elsewhere.
  const taskCgroups = runtime.engine
    ? undefined
    : await setUpTaskCgroups({ setting: config.tasks.cpuMemLimit, cgroupRoot: config.tasks.cgroupPath, docker, logger }).catch((error: Error) => {
        throw error instanceof TaskCgroupSetupError ? new StartupError(error.message, ExitCode.terminal) : error;
      });
  if (config.tasks.cpuMemLimit.enabled && !taskCgroups) config = { ...config, tasks: { ...config.tasks, cpuMemLimit: { enabled: false, explicit: config.tasks.cpuMemLimit.explicit } } };
  let resources;
  try {
    resources = instanceResources(config, host.capacity());
  } catch (error) {
    throw new StartupError((error as Error).message, ExitCode.terminal);
  }
  const gpus = await loadGpuRegistration(config.capabilities.gpuSupportEnabled, runtime.gpuInfoFile ?? NVIDIA_GPU_INFO_FILE, logger).catch((error: Error) => {
    throw new StartupError(`Could not initialize Nvidia GPU Manager: ${error.message}`, ExitCode.error);
  });
  const tags = await containerInstanceTags({
    propagateTagsFrom: config.cluster.propagateTagsFrom,
    configured: config.cluster.containerInstanceTags,
    instanceId: () => metadata.instanceId(),
    ec2: () => sdkEc2TagsApi({ region, credentials, acceptInsecureCert: config.aws.acceptInsecureCert, env: runtime.env }),
  }).catch((error: Error) => {
    // Upstream does not restart for this: the SDK has retried already, and restarts would throttle the API.
    throw error instanceof InstanceTagsError ? new StartupError(error.message, ExitCode.terminal) : error;
  });
  let registration;
  try {
    registration = await registerContainerInstance(
      api,
      {
        cluster,
        containerInstanceArn: saved?.containerInstanceArn,
        resources,
        attributes: registrationAttributes(config, saved === undefined, { apiVersions: supportedDockerApiVersions(dockerApi?.min, dockerApi?.max) }, gpus.attributes),
        tags,
        platformDevices: gpus.platformDevices,
        versionInfo: { agentVersion: buildInfo.version, agentHash, ...(dockerVersion ? { dockerVersion: `DockerVersion: ${dockerVersion}` } : {}) },
        identityDocument: identity.document,
        identitySignature: identity.signature,
      },
      logger,
    );
  } catch (error) {
    if (error instanceof RegistrationError) throw new StartupError(error.message, error.terminal ? ExitCode.terminal : ExitCode.error);
    throw error;
  }
  logger.info({ cluster, containerInstanceArn: registration.containerInstanceArn }, 'Registration completed successfully');
  await store
    .save({
      cluster,
      containerInstanceArn: registration.containerInstanceArn,
      ...(ec2InstanceId ? { ec2InstanceId } : {}),
      ...(registration.availabilityZone ? { availabilityZone: registration.availabilityZone } : {}),
    })
    .catch((error: Error) => {
      throw new StartupError(`cannot save the agent state: ${error.message}`, ExitCode.terminal);
    });
  if (runtime.signal.aborted) return ExitCode.success;

  const instance = { cluster, containerInstanceArn: registration.containerInstanceArn };
  // Role credentials ACS delivers: the task server serves them, the engine uses the execution role's.
  const taskCredentials = new TaskCredentialsStore();
  let dockerEngine: DockerTaskEngine | undefined;
  if (!runtime.engine) {
    dockerEngine = createDockerTaskEngine({
      config,
      cluster,
      docker,
      api: runtime.stateChangeApi ?? sdkStateChangeApi(ecsClient()),
      checkpoint,
      clock,
      logger,
      random,
      ...(runtime.engineSettings ? { settings: runtime.engineSettings } : {}),
      ...(taskCgroups ? { taskCgroups } : {}),
      instanceFacts: () => ({
        cluster,
        containerInstanceArn: instance.containerInstanceArn,
        ...(registration.availabilityZone ? { availabilityZone: registration.availabilityZone } : {}),
      }),
      taskCredentials,
      instanceCredentials: credentials,
      ...(region ? { region } : {}),
      env: runtime.env,
    });
    await dockerEngine.start();
    runtime.onEngine?.(dockerEngine);
  }
  const engine = runtime.engine ?? dockerEngine!;
  const tcsTimings = runtime.tcsTimings ?? DEFAULT_TCS_TIMINGS;
  // Container stats of the engine's running tasks: for TCS, the metadata endpoints and Prometheus.
  const statsEngine: StatsEngine | undefined = dockerEngine
    ? createStatsEngine({ source: dockerEngine, clock, logger, settings: statsSettingsFromConfig(config, tcsTimings.publishIntervalMs), docker })
    : undefined;
  const statsStop = new AbortController();
  const statsRun = (statsEngine?.run(AbortSignal.any([runtime.signal, statsStop.signal])) ?? Promise.resolve()).catch((error: Error) =>
    logger.error({ err: error.message }, 'Container stats stopped'),
  );
  // Its own stop: an update or a terminal ACS answer ends the agent without runtime.signal, and a
  // port-in-use retry loop must not keep the exit waiting.
  const introspectionStop = new AbortController();
  const introspection = serveIntrospection(
    {
      source: { cluster: () => instance.cluster, containerInstanceArn: () => instance.containerInstanceArn, tasks: () => (dockerEngine?.tasks() ?? []).map(introspectionTask) },
      version: `Amazon ECS Agent - v${buildInfo.version} (${agentHash})`,
      license: LICENSE_TEXT,
      logger,
    },
    runtime.introspectionPort ?? AGENT_INTROSPECTION_PORT,
    clock,
    AbortSignal.any([runtime.signal, introspectionStop.signal]),
  );
  // The task server: credentials ACS delivers and the metadata of the engine's tasks.
  const stats: StatsReader = runtime.stats ?? statsEngine ?? { latestDockerStats: () => undefined, networkRateStats: () => undefined };
  const taskState = taskStateFromTasks(() => dockerEngine?.tasks() ?? []);
  const taskEndpoints = runTaskEndpoints(
    {
      sources: {
        state: taskState,
        stats,
        credentials: taskCredentials,
        tags: ecsResourceTags(ecsClient),
        cluster: () => cluster,
        containerInstanceArn: () => instance.containerInstanceArn,
        availabilityZone: () => (config.endpoints.taskMetadataAzDisabled ? undefined : registration.availabilityZone),
        logger,
      },
      audit: createAuditLog({
        clock,
        identity: () => instance,
        file: config.taskIam.auditLogFile,
        disabled: config.taskIam.auditLogDisabled,
        console: true,
        rollover: config.logging.rollover,
        maxFileSizeMB: config.logging.maxFileSizeMB,
        maxRollCount: config.logging.maxRollCount,
      }),
      rateLimit: { steadyRate: config.endpoints.taskMetadataSteadyStateRate, burst: config.endpoints.taskMetadataBurstRate },
      clock,
      store: taskCredentials,
    },
    '127.0.0.1',
    runtime.taskServerPort ?? AGENT_CREDENTIALS_PORT,
    runtime.signal,
  );
  const endpoints = new PollEndpointResolver(api, instance, clock);
  const signer = createRequestSigner({ credentials, region, clock });
  const connector = runtime.connector ?? wsConnector({ acceptInsecureCert: config.aws.acceptInsecureCert });
  // Sessions are tracked at their connectors for the Prometheus session gauge.
  const acsConnector = trackConnections(connector);
  const tcsConnector = trackConnections(connector);
  const metricsServer = config.metrics.prometheusEnabled
    ? startPrometheusEndpoint(
        {
          healthy: () => docker.ping({ timeoutMs: 2_000 }).then(() => true),
          acsConnected: () => acsConnector.connected(),
          tcsConnected: () => tcsConnector.connected(),
          tasks: () => dockerEngine?.tasks() ?? [],
          latestDockerStats: (dockerId) => stats.latestDockerStats(dockerId),
        },
        { version: buildInfo.version, commit: agentHash },
        '::',
        runtime.prometheusPort ?? AGENT_PROMETHEUS_PORT,
        logger,
      ).catch((error: Error) => {
        logger.error({ err: error.message }, 'Cannot serve Prometheus metrics');
        return undefined;
      })
    : undefined;
  const agent = { version: buildInfo.version, hash: agentHash };
  const telemetryStop = new AbortController();
  const stopTelemetry = () => telemetryStop.abort();
  runtime.signal.addEventListener('abort', stopTelemetry, { once: true });

  const telemetryDisabled = config.metrics.disabled && config.capabilities.dockerHealthCheckDisabled;
  const telemetry = telemetryDisabled
    ? Promise.resolve()
    : new TcsClient({
        clock,
        random,
        logger,
        timings: tcsTimings,
        endpoints,
        signer,
        connector: tcsConnector,
        instance,
        agent,
        dockerVersion: () => host.dockerVersion(),
        source: runtime.telemetry ?? statsEngine ?? emptyTelemetrySource,
        metricsDisabled: config.metrics.disabled,
      })
        .run(telemetryStop.signal)
        .then(() => undefined);
  if (telemetryDisabled) logger.info('Telemetry is off: ECS_DISABLE_METRICS and ECS_DISABLE_DOCKER_HEALTH_CHECK are both true');

  const updater = new AgentUpdater({ enabled: config.updates.enabled, downloadDir: config.updates.downloadDir, logger });
  // An acked PerformUpdate ends the sessions the way a stop does; the agent then exits 42.
  const running = AbortSignal.any([runtime.signal, updater.performed]);
  const acs = new AcsClient({
    clock,
    random,
    logger,
    timings: runtime.acsTimings ?? DEFAULT_ACS_TIMINGS,
    endpoints,
    signer,
    connector: acsConnector,
    engine,
    credentials: taskCredentials,
    instance,
    agent,
    dockerVersion: () => host.dockerVersion(),
    updater,
    manifestSequence: checkpointManifestSequence(checkpoint),
    onInactiveInstance: () => {
      logger.warn('Container instance is inactive (deregistered); telemetry stops');
      stopTelemetry();
    },
  });
  // Polling ends with the sessions (telemetryStop is aborted on every way out of ACS).
  const spotDraining = config.cluster.spotInstanceDraining
    ? drainOnSpotInterruption({ spotInstanceAction: () => metadata.spotInstanceAction(), updateContainerInstancesState: (input) => api.updateContainerInstancesState(input), instance, clock, logger }, telemetryStop.signal)
    : Promise.resolve(false);
  const logSignal = () => {
    const reason: unknown = runtime.signal.reason;
    logger.info(typeof reason === 'string' ? { signal: reason } : {}, 'Agent received termination signal');
  };
  runtime.signal.addEventListener('abort', logSignal, { once: true });
  const end = await acs.run(running);
  runtime.signal.removeEventListener('abort', logSignal);
  stopTelemetry();
  runtime.signal.removeEventListener('abort', stopTelemetry);
  statsStop.abort();
  const saveFailures = await finalSave(
    { disableEngine: async () => dockerEngine?.close(), save: () => checkpoint.save() },
    clock,
    logger,
    runtime.finalSaveLimits ?? FINAL_SAVE_LIMITS,
  );
  if (saveFailures.length > 0) logger.error({ err: saveFailures.join('; ') }, 'Error saving state before final shutdown');
  await Promise.all([telemetry, spotDraining, statsRun]);
  introspectionStop.abort();
  await (await introspection)?.close();
  await taskEndpoints.close();
  await (await metricsServer)?.close();
  if (end.kind === 'terminal') {
    logger.error({ err: end.error.message }, 'ACS refused this instance; exiting without restart');
    return ExitCode.terminal;
  }
  if (updater.performed.aborted) {
    // Upstream exits for the update whatever the final save did.
    logger.info('Exiting with the update exit code: ecs-init loads the staged image and restarts the agent');
    return ExitCode.update;
  }
  // Terminal, as upstream: the agent was asked to stop, so it must not be restarted.
  if (saveFailures.length > 0) return ExitCode.terminal;
  logger.info('Agent stopped');
  return ExitCode.success;
}

/**
 * The introspection server on every interface, as upstream (ecs-init's iptables rules keep it on the
 * host unless ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS). A port in use is retried with backoff, 1 s to 1 min.
 */
async function serveIntrospection(
  options: Parameters<typeof startIntrospectionServer>[0],
  port: number,
  clock: Clock,
  signal: AbortSignal,
): Promise<{ close(): Promise<void> } | undefined> {
  let delay = 1_000;
  while (!signal.aborted) {
    try {
      return await startIntrospectionServer(options, undefined, port);
    } catch (error) {
      options.logger.warn({ port, err: (error as Error).message, retryInMs: delay }, 'Cannot serve the introspection endpoint; retrying');
      await clock.sleep(delay, signal);
      delay = Math.min(60_000, delay * 2);
    }
  }
  return undefined;
}

/**
 * The saved instance, unless it belongs to another EC2 instance (then the whole saved state is dropped:
 * `forgetSavedState`); a saved cluster must match the configured one.
 */
async function restoreInstance(
  store: InstanceStateStore,
  config: AgentConfig,
  ec2InstanceId: string | undefined,
  logger: Logger,
  forgetSavedState: () => void,
): Promise<SavedInstance | undefined> {
  let saved: SavedInstance | undefined;
  try {
    saved = await store.load();
  } catch (error) {
    throw new StartupError((error as Error).message, ExitCode.terminal);
  }
  if (!saved) return undefined;
  if (saved.ec2InstanceId && ec2InstanceId && saved.ec2InstanceId !== ec2InstanceId) {
    logger.warn({ savedInstanceId: saved.ec2InstanceId, instanceId: ec2InstanceId }, 'Data mismatch; saved EC2 instance ID differs from this instance; registering as a new container instance');
    forgetSavedState();
    return undefined;
  }
  const configured = config.cluster.name ?? DEFAULT_CLUSTER_NAME;
  if (saved.cluster !== configured) {
    throw new StartupError(
      `ECS_CLUSTER=${JSON.stringify(configured)}: the saved state belongs to cluster ${JSON.stringify(saved.cluster)}; remove the data directory's state to join another cluster`,
      ExitCode.terminal,
    );
  }
  logger.info({ cluster: saved.cluster, containerInstanceArn: saved.containerInstanceArn }, 'Restored the saved container instance');
  return saved;
}
