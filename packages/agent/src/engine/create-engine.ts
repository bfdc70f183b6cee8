import type { Clock, Logger } from '@fractal-ecs/common';
import { cryptoRandom, newDockerContainerName, renderContainerCreateOptions, taskFromAcs, TaskModelError, type Container, type RandomSource } from '../api';
import type { AgentConfig } from '../config';
import type { ContainerCreateOptions, DockerClient } from '../dockerclient';
import { GPU_ASSOCIATION_TYPE, gpuAssignments, gpuContainerOptions } from '../gpu';
import type { Env } from '../config/environment';
import type { StateChangeApi } from '../eventhandler';
import { RegistryCredentials, sdkExecutionRoleApis, TaskSecrets, type ExecutionCredentialsSource, type ExecutionRoleApis } from '../execrole';
import { createFractalResources, misplacedPlaceholder, withFractalResources } from '../fractal';
import type { AgentCheckpoint } from '../statemanager';
import type { CredentialsProvider } from '../wsclient';
import { TaskCgroupResource, type CgroupTree } from '../taskresource/cgroup';
import { DockerImageManager, EngineAuthError, EngineRegistryAuth } from './image';
import { ContainerMetadataFiles, type InstanceFacts } from '../containermetadata';
import type { ContainerMetadataHooks, ContainerResources, EngineSettings, TaskImages } from './engine-context';
import { engineSettings } from './engine-settings';
import { DockerTaskEngine, type TaskModel } from './docker-task-engine';

export interface EngineDependencies {
  config: AgentConfig;
  cluster: string;
  docker: DockerClient;
  api: StateChangeApi;
  checkpoint: AgentCheckpoint;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  randomSource?: RandomSource;
  /** Default: the image manager (pull behaviour, registry auth, image states and cleanup). */
  images?: TaskImages;
  /** Execution-role credentials ACS delivers: registry auth (ECR, Secrets Manager) and container secrets. */
  taskCredentials?: ExecutionCredentialsSource;
  /** The agent's own credentials: ECR pulls without the execution role. */
  instanceCredentials?: CredentialsProvider;
  /** The instance's region, for lookups whose task names none. */
  region?: string;
  /** Where AWS_ENDPOINT_URL_ECR / _SSM / _SECRETS_MANAGER are read. Default: none. */
  env?: Env;
  /** Default: the SDK's clients. */
  executionRoleApis?: ExecutionRoleApis;
  /** Test hook: shorter cleanup waits and drain intervals than the configuration allows. */
  settings?: Partial<EngineSettings>;
  /** Where task cgroups are made when task CPU/memory limits are on (setUpTaskCgroups). */
  taskCgroups?: CgroupTree;
  /** What the container metadata files say about the instance (ECS_ENABLE_CONTAINER_METADATA). */
  instanceFacts?: () => InstanceFacts;
}

/** The Docker task engine with the api module's task model, as the agent runs it. */
export function createDockerTaskEngine(deps: EngineDependencies): DockerTaskEngine {
  const randomSource = deps.randomSource ?? cryptoRandom;
  const model: TaskModel = {
    fromAcs: (acs, delivery) => {
      // GPU associations are taken here; any other association still fails the task in the model.
      let gpus: Map<string, string[]>;
      try {
        gpus = gpuAssignments(acs);
      } catch (error) {
        return { ok: false, error: new TaskModelError('associations', (error as Error).message) };
      }
      const others = acs.associations?.filter((association) => association.type !== GPU_ASSOCIATION_TYPE);
      const task = taskFromAcs({ ...acs, associations: others }, delivery.seqNum === undefined ? {} : { seqNum: delivery.seqNum }, { task: deps.config.tasks }, randomSource);
      if (task.ok) {
        const containers = task.value.containers;
        for (const [index, container] of containers.entries()) {
          const gpuIds = gpus.get(container.name);
          if (gpuIds) containers[index] = { ...container, gpuIds };
        }
      }
      // A FractalID placeholder where it would not be filled in fails the task before anything is made.
      const misplaced = task.ok ? misplacedPlaceholder(task.value) : undefined;
      return misplaced ? { ok: false, error: new TaskModelError(misplaced.field, misplaced.problem) } : task;
    },
    render: (task, container) => {
      const rendered = renderContainerCreateOptions(task, container, { cluster: deps.cluster });
      if (!rendered.ok) throw rendered.error;
      const options = withGpus(secrets.apply(task, container, rendered.value), container, deps.config.capabilities.nvidiaRuntime);
      return container.fractal ? withFractalResources(options, container.fractal) : options;
    },
    dockerNameFor: (task, container) => newDockerContainerName(task, container, randomSource),
  };
  const executionRole = {
    apis: deps.executionRoleApis ?? sdkExecutionRoleApis(deps.env ?? {}),
    credentials: deps.taskCredentials ?? { forTask: () => undefined },
    region: deps.region ?? '',
  };
  const secrets = new TaskSecrets({ ...executionRole, logger: deps.logger });
  const registryCredentials = new RegistryCredentials({
    ...executionRole,
    ...(deps.instanceCredentials ? { instanceCredentials: deps.instanceCredentials } : {}),
    clock: deps.clock,
    logger: deps.logger,
  });
  let auth = EngineRegistryAuth.none;
  try {
    auth = EngineRegistryAuth.parse(deps.config.docker.authType, deps.config.docker.authData);
  } catch (error) {
    if (!(error instanceof EngineAuthError)) throw error;
    deps.logger.error({ err: error.message }, 'ECS_ENGINE_AUTH_DATA cannot be used; pulling without registry credentials');
  }
  const images =
    deps.images ??
    new DockerImageManager({
      docker: deps.docker,
      clock: deps.clock,
      logger: deps.logger,
      images: deps.config.images,
      auth,
      taskCleanupWaitMs: deps.config.tasks.cleanupWaitMs,
      resolveRegistryAuth: (task, container) => registryCredentials.forContainer(task, container),
      onStateChange: () => void deps.checkpoint.save().catch(() => undefined),
    });
  const fractalResources = createFractalResources({
    settings: deps.config.fractal,
    tasks: () => engine.tasks(),
    state: deps.checkpoint,
    random: randomSource,
    logger: deps.logger,
  });
  // Secrets are fetched before the Fractal resources are made: a task that cannot have them gets none.
  const secretResource: ContainerResources = {
    prepare: (task, container) => secrets.resolve(task, container),
    release: () => undefined,
    cleanup: async (task) => secrets.forget(task),
  };
  const resources = inOrder([...(deps.taskCgroups ? [new TaskCgroupResource(deps.taskCgroups, deps.logger)] : []), secretResource, fractalResources]);
  const engine: DockerTaskEngine = new DockerTaskEngine({
    docker: deps.docker,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.random ? { random: deps.random } : {}),
    settings: { ...engineSettings(deps.config, deps.cluster), ...deps.settings },
    model,
    images,
    api: deps.api,
    checkpoint: deps.checkpoint,
    resources,
    ...(deps.config.containers.metadataFileEnabled ? { metadataFiles: containerMetadataHooks(deps) } : {}),
  });
  return engine;
}

/** The metadata files under ECS_DATADIR, bound from ECS_HOST_DATA_DIR; `:Z` when the daemon runs SELinux. */
function containerMetadataHooks(deps: EngineDependencies): ContainerMetadataHooks {
  const files = new ContainerMetadataFiles({
    dataDir: deps.config.state.dataDir,
    dataDirOnHost: deps.config.state.dataDirOnHost,
    facts: deps.instanceFacts ?? (() => ({ cluster: deps.cluster })),
  });
  let securityOptions: Promise<readonly string[]> | undefined;
  const daemonSecurityOptions = () =>
    (securityOptions ??= deps.docker.info().then(
      (info) => info.SecurityOptions ?? [],
      (error: Error) => {
        securityOptions = undefined;
        throw error;
      },
    ));
  return {
    create: async (task, container) => files.create(task, container.name, await daemonSecurityOptions()),
    update: (task, container, info) => files.update(task, container.name, info),
    clean: (task) => files.clean(task.arn),
  };
}

/** A container assigned GPUs sees exactly those (NVIDIA_VISIBLE_DEVICES over its own value) through the NVIDIA runtime. */
function withGpus(options: ContainerCreateOptions, container: Container, nvidiaRuntime: string): ContainerCreateOptions {
  const gpu = gpuContainerOptions(container.gpuIds ?? [], nvidiaRuntime);
  if (!gpu) return options;
  const names = new Set(Object.keys(gpu.env));
  const env = (options.Env ?? []).filter((entry) => !names.has(entry.split('=', 1)[0]!));
  return {
    ...options,
    Env: [...env, ...Object.entries(gpu.env).map(([name, value]) => `${name}=${value}`)],
    HostConfig: { ...options.HostConfig, Runtime: gpu.runtime },
  };
}

/** Several resources as one: prepared in order (the task cgroup first), cleaned up in reverse. */
function inOrder(all: readonly ContainerResources[]): ContainerResources {
  return {
    async prepare(task, container) {
      for (const resource of all) await resource.prepare(task, container);
    },
    release(container) {
      for (const resource of all) resource.release(container);
    },
    async cleanup(task) {
      for (const resource of [...all].reverse()) await resource.cleanup(task);
    },
  };
}
