import { ExponentialBackoff, type BackoffOptions, type Clock, type Logger } from '@fractal-ecs/common';
import type { Container, Task } from '../../api';
import type { ImageSettings } from '../../config';
import {
  DockerError,
  NoSuchImageError,
  withDefaultTag,
  parseImageRef,
  type ContainerSummary,
  type DockerClient,
  type ImageInspectInfo,
  type RegistryAuth,
} from '../../dockerclient';
import type { PullOutcome, TaskImages } from '../engine-context';
import { ExclusionList } from './cleanup-selection';
import { runCleanupCycle, type CleanupReport } from './image-cleanup';
import { ImageStates, type ImageStateJson } from './image-states';
import { needsCacheCheck, pullFailureStopsTask, skipsPull } from './pull-behavior';
import { PullCleanupLock } from './pull-cleanup-lock';
import { EngineRegistryAuth } from './registry-auth';

/** Upstream never deletes its own images. The pause image name is configurable; this is its default. */
export const DEFAULT_PROTECTED_IMAGES: readonly string[] = ['amazon/amazon-ecs-agent:latest', 'amazon/amazon-ecs-pause:0.1.0'];

/** Upstream's pull retry: 5 attempts, 1.1 s doubling to 5 s, jitter 0.2. */
export const PULL_RETRY: BackoffOptions = { min: 1_100, max: 5_000, multiple: 2, jitter: 0.2, maxRetries: 4 };

const TASK_ARN_LABEL = 'com.amazonaws.ecs.task-arn';

export interface ImageManagerOptions {
  readonly docker: DockerClient;
  readonly clock: Clock;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** AgentConfig.images: pull behaviour, pull deadlines, cleanup settings. */
  readonly images: ImageSettings;
  /** ECS_ENGINE_AUTH_TYPE / ECS_ENGINE_AUTH_DATA, parsed. */
  readonly auth?: EngineRegistryAuth;
  /** ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: untracked cleanup removes non-ECS containers stopped longer than this. */
  readonly taskCleanupWaitMs: number;
  /** Image names cleanup never removes besides ECS_EXCLUDE_UNTRACKED_IMAGE. */
  readonly protectedImages?: readonly string[];
  /** Credentials from a container's registryAuthentication (ECR, Secrets Manager); engine auth otherwise. */
  readonly resolveRegistryAuth?: (task: Task, container: Container) => Promise<RegistryAuth | undefined>;
  /** Whether a container belongs to ECS (untracked cleanup leaves it). Default: it has the task-arn label. */
  readonly isTaskContainer?: (container: ContainerSummary) => boolean;
  /** Pull retry schedule; upstream's by default. */
  readonly pullRetry?: BackoffOptions;
  /** Called when the image states changed (pull, reference, deletion): time to checkpoint. */
  readonly onStateChange?: () => void;
}

/** A pull outcome, with the image's registry digest when Docker knows it. */
export type ImagePullOutcome = PullOutcome & { readonly imageDigest?: string };

/**
 * The engine's image manager (upstream's dockerImageManager): pulls per ECS_IMAGE_PULL_BEHAVIOR with
 * registry auth and retries, one pull per image however many containers ask at once, tracks which
 * containers use which image, and runs the image cleanup loop. Containers are keyed `<taskArn>/<name>`.
 */
export class DockerImageManager implements TaskImages {
  readonly #states: ImageStates;
  readonly #lock = new PullCleanupLock();
  readonly #pulls = new Map<string, Promise<void>>();
  readonly #auth: EngineRegistryAuth;
  readonly #exclusions: ExclusionList;
  #cleanupLoop: { abort: AbortController; done: Promise<void> } | undefined;

  constructor(private readonly options: ImageManagerOptions) {
    this.#states = new ImageStates(options.clock);
    this.#auth = options.auth ?? EngineRegistryAuth.none;
    this.#exclusions = new ExclusionList([...options.images.cleanup.exclusionList, ...(options.protectedImages ?? DEFAULT_PROTECTED_IMAGES)]);
  }

  /** Pulls (or not) the container's image and records the container as its user. */
  async pull(task: Task, container: Container, signal: AbortSignal): Promise<ImagePullOutcome> {
    const name = withDefaultTag(container.image);
    const behavior = this.options.images.pullBehavior;
    return this.#lock.shared(async () => {
      const pulledBefore = this.#states.pulledBefore(name);
      // `once` also checks Docker still has the image: one removed behind the agent's back is pulled again.
      const cached = needsCacheCheck(behavior) || (behavior === 'once' && pulledBefore) ? await this.#inspectIfPresent(name) : undefined;
      if (cached && skipsPull(behavior, { pulledBefore, cached: true })) {
        this.options.logger.debug({ taskArn: task.arn, container: container.name, image: name, behavior }, 'Image pull skipped');
        return this.#use(task, container, name, cached);
      }
      try {
        await this.#pullOnce(name, await this.#authFor(task, container), signal);
      } catch (error) {
        // Registry credentials from a task resource (a Secrets Manager secret) stop the task whatever the
        // behaviour, as upstream's resource does; an ECR token that cannot be had is a pull failure.
        if (pullFailureStopsTask(behavior) || isTaskResourceFailure(error)) throw error;
        const present = await this.#inspectIfPresent(name);
        if (present) this.#use(task, container, name, present);
        return { pulled: false, error: error as Error };
      }
      const info = await this.options.docker.inspectImage(name);
      this.#states.recordPull(name, info.Id, info.Size);
      return this.#use(task, container, name, info);
    });
  }

  recordContainer(task: Task, container: Container): void {
    const name = withDefaultTag(container.image);
    const imageId = container.imageId ?? this.#states.byName(name)?.imageId;
    if (imageId) {
      this.#states.addReference(containerKey(task, container), name, imageId);
      this.options.onStateChange?.();
      return;
    }
    // An adopted container whose image this agent never saw: learn the ID from Docker.
    void this.#inspectIfPresent(name).then(
      (info) => {
        if (!info) return;
        this.#states.addReference(containerKey(task, container), name, info.Id, info.Size);
        this.options.onStateChange?.();
      },
      (error: unknown) => this.options.logger.warn({ image: name, err: (error as Error).message }, 'Could not inspect the image of a container'),
    );
  }

  releaseContainer(task: Task, container: Container): void {
    if (this.#states.removeReference(containerKey(task, container))) this.options.onStateChange?.();
  }

  /** Image states for the checkpoint (upstream's ImageStates layout). */
  imageStates(): ImageStateJson[] {
    return this.#states.toJSON();
  }

  /** Restores checkpointed image states; malformed entries are skipped and logged. */
  loadImageStates(entries: readonly unknown[]): void {
    for (const problem of this.#states.load(entries)) this.options.logger.warn({ problem }, 'Skipped an unreadable image state in the checkpoint');
  }

  /**
   * Starts the cleanup loop: a cycle every ECS_IMAGE_CLEANUP_INTERVAL, the first one interval from now.
   * Nothing runs with ECS_DISABLE_IMAGE_CLEANUP or ECS_IMAGE_PULL_BEHAVIOR=prefer-cached.
   */
  startCleanup(): void {
    const { cleanup, pullBehavior } = this.options.images;
    if (this.#cleanupLoop) return;
    if (cleanup.disabled || pullBehavior === 'prefer-cached') {
      this.options.logger.info({ disabled: cleanup.disabled, pullBehavior }, 'Image cleanup is off');
      return;
    }
    const abort = new AbortController();
    const done = (async () => {
      for (;;) {
        await this.options.clock.sleep(cleanup.intervalMs, abort.signal);
        if (abort.signal.aborted) return;
        await this.runCleanupCycle().catch((error: unknown) =>
          this.options.logger.warn({ err: (error as Error).message }, 'Image cleanup cycle failed'),
        );
      }
    })();
    this.#cleanupLoop = { abort, done };
  }

  /** Stops the loop; resolves once a cycle in progress has finished. */
  async stopCleanup(): Promise<void> {
    const loop = this.#cleanupLoop;
    this.#cleanupLoop = undefined;
    loop?.abort.abort();
    await loop?.done;
  }

  /** One cleanup cycle now, with pulls held off while it runs. */
  runCleanupCycle(): Promise<CleanupReport> {
    return this.#lock.exclusive(async () => {
      const report = await runCleanupCycle({
        docker: this.options.docker,
        clock: this.options.clock,
        logger: this.options.logger,
        states: this.#states,
        settings: this.options.images.cleanup,
        exclusions: this.#exclusions,
        taskCleanupWaitMs: this.options.taskCleanupWaitMs,
        isTaskContainer: this.options.isTaskContainer ?? ((container) => container.Labels?.[TASK_ARN_LABEL] !== undefined),
      });
      if (report.removedImages.length) this.options.onStateChange?.();
      return report;
    });
  }

  #use(task: Task, container: Container, name: string, info: ImageInspectInfo): ImagePullOutcome {
    this.#states.addReference(containerKey(task, container), name, info.Id, info.Size);
    this.options.onStateChange?.();
    const imageDigest = digestOf(info, name);
    return { pulled: true, imageId: info.Id, ...(imageDigest ? { imageDigest } : {}) };
  }

  /** Joins a pull of the same image already running, or starts one. */
  async #pullOnce(name: string, auth: RegistryAuth | undefined, signal: AbortSignal): Promise<void> {
    let pull = this.#pulls.get(name);
    if (!pull) {
      pull = this.#pullWithRetries(name, auth).finally(() => this.#pulls.delete(name));
      this.#pulls.set(name, pull);
    }
    // A caller that gives up stops waiting; the pull goes on for the others (bounded by its deadline).
    await abortable(pull, signal);
  }

  async #pullWithRetries(name: string, auth: RegistryAuth | undefined): Promise<void> {
    const { clock, docker, images, logger } = this.options;
    const deadline = clock.now().getTime() + images.pullTimeoutMs;
    const backoff = new ExponentialBackoff(this.options.pullRetry ?? PULL_RETRY);
    for (let attempt = 1; ; attempt++) {
      try {
        logger.info({ image: name, attempt, withAuth: auth !== undefined }, 'Pulling image');
        await docker.pullImage(name, auth, {
          timeoutMs: Math.max(1, deadline - clock.now().getTime()),
          inactivityTimeoutMs: images.pullInactivityTimeoutMs,
        });
        logger.info({ image: name }, 'Image pulled');
        return;
      } catch (error) {
        const message = (error as Error).message;
        if (!backoff.shouldRetry() || clock.now().getTime() >= deadline) {
          logger.warn({ image: name, attempt, err: message }, 'Image pull failed');
          throw error;
        }
        const delay = backoff.duration();
        logger.warn({ image: name, attempt, err: message, retryInMs: delay }, 'Image pull failed; retrying');
        await clock.sleep(delay);
      }
    }
  }

  async #authFor(task: Task, container: Container): Promise<RegistryAuth | undefined> {
    if (container.registryAuthentication && this.options.resolveRegistryAuth) return this.options.resolveRegistryAuth(task, container);
    return this.#auth.forImage(container.image);
  }

  async #inspectIfPresent(name: string): Promise<ImageInspectInfo | undefined> {
    try {
      return await this.options.docker.inspectImage(name);
    } catch (error) {
      if (error instanceof NoSuchImageError) return undefined;
      throw error;
    }
  }
}

function isTaskResourceFailure(error: unknown): boolean {
  return error instanceof DockerError && error.name === 'ResourceInitializationError';
}

function containerKey(task: Task, container: Container): string {
  return `${task.arn}/${container.name}`;
}

/** The registry digest Docker recorded for this repository (`repo@sha256:...`). */
function digestOf(info: ImageInspectInfo, name: string): string | undefined {
  const ref = parseImageRef(name);
  if (ref.digest) return ref.digest;
  const repository = ref.registry ? `${ref.registry}/${ref.repository}` : ref.repository;
  const entry = (info.RepoDigests ?? []).find((digest) => digest.slice(0, digest.indexOf('@')) === repository);
  return entry?.slice(entry.indexOf('@') + 1);
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
