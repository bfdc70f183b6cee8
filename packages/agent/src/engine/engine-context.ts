import type { Clock, Logger } from '@fractal-ecs/common';
import type { Container, Task } from '../api';
import type { ContainerCreateOptions, ContainerInspectInfo, DockerClient } from '../dockerclient';
import type { PendingStateChange } from '../eventhandler';
import type { StateSaver } from '../statemanager';
import type { DockerCallLimiter } from './docker-call-limiter';
import type { StopSequence } from './stop-sequence';

/** The engine's share of the configuration, in milliseconds and seconds as named. */
export interface EngineSettings {
  readonly cluster: string;
  /** ECS_CONTAINER_STOP_TIMEOUT. */
  readonly stopTimeoutMs: number;
  /** ECS_CONTAINER_CREATE_TIMEOUT. */
  readonly createTimeoutMs: number;
  /** ECS_CONTAINER_START_TIMEOUT. */
  readonly startTimeoutMs: number;
  readonly pullDependentContainersUpfront: boolean;
  /** ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION and its jitter. */
  readonly cleanupWaitMs: number;
  readonly cleanupWaitJitterMs: number;
  readonly excludeIpv6PortBinding: boolean;
  /** ECS_SHARED_VOLUME_MATCH_FULL_CONFIG. */
  readonly sharedVolumeMatchFullConfig: boolean;
  /** 5 min + [0, 30 s) upstream: how often a steady task's containers are re-inspected. */
  readonly steadyStateInspectMs: number;
  /** 10–30 s upstream: container changes waiting for a task change are sent after this. */
  readonly drainIntervalMs: readonly [number, number];
  /** Container creates and starts in Docker at once (DockerCallLimiter). */
  readonly dockerCallConcurrency: number;
}

/** Image pulls and references (the image manager); failures are DockerErrors named as upstream. */
export interface TaskImages {
  /** Pulls the container's image per ECS_IMAGE_PULL_BEHAVIOR; rejects when the task cannot go on with it. */
  pull(task: Task, container: Container, signal: AbortSignal): Promise<PullOutcome>;
  /** The container was created from its image: the image is in use. */
  recordContainer(task: Task, container: Container): void;
  /** The container was removed: the image may be cleaned up once unused. */
  releaseContainer(task: Task, container: Container): void;
  /** Image states for the checkpoint, and back from it. */
  imageStates?(): unknown[];
  loadImageStates?(entries: readonly unknown[]): void;
  /** The image cleanup loop runs while the engine does. */
  startCleanup?(): void;
  stopCleanup?(): Promise<void>;
}

/** `failed` carries the pull error when the behaviour lets the task try the cached image anyway. */
export type PullOutcome = { readonly pulled: true; readonly imageId?: string; readonly imageDigest?: string } | { readonly pulled: false; readonly error: Error };

/** Turns a container into Docker create options; throws a TaskModelError naming the bad field. */
export type ContainerRenderer = (task: Task, container: Container) => ContainerCreateOptions;

/**
 * Per-container resources made before create and given back afterwards (the Fractal features, in
 * fractal/): FractalID, container-specific directories, devices.
 */
export interface ContainerResources {
  /** Before docker create (records into the container, then makes); rejects with the create failure's reason. */
  prepare(task: Task, container: Container): Promise<void>;
  /** The container is STOPPED: its devices go back. Idempotent; called on every reconcile pass. */
  release(container: Container): void;
  /** The task's containers were removed: its directories go. */
  cleanup(task: Task): Promise<void>;
}

/**
 * The container metadata file (ECS_ENABLE_CONTAINER_METADATA), for task-definition containers:
 * written before create (its bind and variable join the create options), marked READY after start,
 * removed with the task.
 */
export interface ContainerMetadataHooks {
  create(task: Task, container: Container): Promise<{ readonly bind: string; readonly env: string }>;
  update(task: Task, container: Container, info: ContainerInspectInfo): Promise<void>;
  clean(task: Task): Promise<void>;
}

/** What every managed task shares with the engine. */
export interface EngineContext {
  readonly docker: DockerClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
  readonly settings: EngineSettings;
  readonly images: TaskImages;
  readonly render: ContainerRenderer;
  /** `ecs-<family>-<version>-<name>-<hex>`. */
  readonly dockerNameFor: (task: Task, container: Container) => string;
  /** Task-scoped and empty-host volumes are created before the first container that mounts them. */
  readonly state: StateSaver;
  readonly report: (change: PendingStateChange) => void;
  readonly dockerCalls: DockerCallLimiter;
  readonly stopSequence: StopSequence;
  /** A container got a Docker ID: route its events to the task. */
  readonly indexContainer: (runtimeId: string, taskArn: string) => void;
  /** The task was cleaned up: forget it. */
  readonly removeTask: (taskArn: string) => void;
  readonly resources?: ContainerResources;
  readonly metadataFiles?: ContainerMetadataHooks;
}
