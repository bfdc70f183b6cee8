import {
  containerStatusBefore,
  isContainerRunning,
  shouldReportContainerStatus,
  type Container,
  type ContainerStatus,
  sharedVolumeAction,
  volumesMountedBy,
  type ProvisionedVolume,
  type Task,
  type TaskStatus,
  taskStatusBefore,
} from '../api';
import {
  DockerError,
  DockerTimeoutError,
  NoSuchContainerError,
  NoSuchVolumeError,
  type ContainerCreateOptions,
  type ContainerEvent,
  type ContainerInspectInfo,
} from '../dockerclient';
import type { EngineContext } from './engine-context';
import { changeFromInspect, healthFromInspect, OOM_ERROR } from './inspect-state';
import { planTask, stopTimeoutSeconds, type Step } from './planner';
import { buildStateChange } from './state-change-builder';
import { applyContainerChange, updateDesiredStatus, updateKnownStatus, type ContainerChange } from './task-status-rules';

const STEP_TARGET: Record<Step['kind'], ContainerStatus> = { pull: 'PULLED', create: 'CREATED', start: 'RUNNING', stop: 'STOPPED', markStopped: 'STOPPED' };
/** Added to a container's stop timeout for the Docker call's own deadline (upstream: 2 min). */
const STOP_CALL_BUFFER_MS = 120_000;
/** A stop that failed in a way worth retrying is tried again after this. */
const STOP_RETRY_MS = 5_000;
/**
 * After the cleanup wait, cleanup waits for ECS to have been told the task STOPPED: checked this often,
 * this many times (upstream task_manager.go: stoppedSentWaitInterval 30 s, maxStoppedWaitTimes
 * 72 h / 30 s). Then cleanup is given up and the containers stay.
 */
export const STOP_REPORT_CHECK_INTERVAL_MS = 30_000;
export const STOP_REPORT_MAX_CHECKS = (72 * 3_600_000) / STOP_REPORT_CHECK_INTERVAL_MS;

/** Where a stopped task is on its way to cleanup. */
type CleanupPhase = 'none' | 'waiting' | 'awaitingReport' | 'cleaning';

/**
 * One task under the engine (upstream's managedTask), as a reconciler: every event (a finished
 * transition, a Docker event, a new desired status, a timer) marks the task dirty; one reconcile pass
 * then updates the statuses, reports what changed, asks the planner for the next steps and starts them.
 * Everything runs on the event loop, so a pass never interleaves with another.
 */
export class ManagedTask {
  readonly #inFlight = new Map<string, ContainerStatus>();
  readonly #emitted = new Map<string, ContainerStatus>();
  #emittedTask: TaskStatus = 'NONE';
  readonly #buffered = new Set<Container>();
  #drainTimer: NodeJS.Timeout | undefined;
  #wakeTimer: NodeJS.Timeout | undefined;
  #steadyTimer: NodeJS.Timeout | undefined;
  #scheduled = false;
  #gateOpen = false;
  #cleanupPhase: CleanupPhase = 'none';
  /**
   * A container known STOPPED that Docker shows running again is stopped once per task (upstream's
   * unexpectedStart): after that a start from elsewhere is left alone, as someone debugging it or
   * another tool managing it may mean it.
   */
  #restopped = false;
  #closed = false;
  readonly #volumes = new Map<string, Promise<void>>();
  /** Containers Docker reported OOM-killed; their die event then carries upstream's OOM reason. */
  readonly #oomKilled = new Set<string>();
  readonly #abort = new AbortController();
  /** Why the task stopped, when the agent stopped it (reported with the STOPPED change). */
  stopReason: string | undefined;

  constructor(
    readonly task: Task,
    private readonly context: EngineContext,
  ) {}

  /** Lets the task start once the stops it waits for (seqNum rule) are done. */
  start(): void {
    void this.context.stopSequence.waitFor(this.task.startSequenceNumber || Number.MAX_SAFE_INTEGER).then(() => {
      this.#gateOpen = true;
      this.poke();
    });
    this.poke();
  }

  /** Stops timers and in-flight pulls; the task stays in the checkpoint for the next start. */
  close(): void {
    this.#closed = true;
    this.#abort.abort();
    for (const timer of [this.#drainTimer, this.#wakeTimer, this.#steadyTimer]) if (timer) clearTimeout(timer);
  }

  /** Checkpoints in the background; a failed write is logged, the next change writes again. */
  #save(): void {
    this.context.state.save().catch((error: Error) => this.context.logger.error({ err: error.message }, 'Cannot write the agent checkpoint'));
  }

  /** Marks the task for a reconcile pass (coalesced). */
  poke(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (!this.#closed) this.#reconcile();
    });
  }

  /** ACS asked for a new desired status (only STOPPED moves it forward). */
  stopRequested(): void {
    if (this.task.desiredStatus !== 'STOPPED') this.task.desiredStatus = 'STOPPED';
    this.#save();
    this.poke();
  }

  /** A Docker event for one of this task's containers. */
  async onDockerEvent(event: ContainerEvent): Promise<void> {
    const container = this.task.containers.find((candidate) => candidate.runtimeId === event.id);
    if (!container || this.#closed) return;
    switch (event.action) {
      case 'health_status': {
        const status = event.health === 'healthy' ? 'HEALTHY' : event.health === 'unhealthy' ? 'UNHEALTHY' : 'UNKNOWN';
        if (container.health.status !== status) {
          container.health = { status, since: event.time.toISOString() };
          this.poke();
        }
        return;
      }
      case 'destroy':
        if (container.knownStatus !== 'STOPPED') this.#apply(container, { status: 'STOPPED', error: { name: 'ContainerVanishedError', message: 'the container was removed outside the agent' } });
        return;
      case 'create':
        this.#apply(container, { status: 'CREATED' });
        return;
      case 'oom':
        this.#oomKilled.add(container.name);
        this.context.logger.warn({ taskArn: this.task.arn, container: container.name }, 'Container ran out of memory');
        return;
      case 'die':
        // An exit nobody asked for is inspected, as upstream does: that is how a container removed
        // behind the agent's back is told from one that exited. When the agent is stopping the
        // container itself, the event carries all an inspect would (the exit code; OOM came as its
        // own event), and an inspect would wait for Docker to finish tearing the container down.
        if (event.exitCode === undefined || this.#inFlight.get(container.name) !== 'STOPPED') {
          await this.#refresh(container, { status: 'STOPPED', ...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }) });
          return;
        }
        this.#apply(container, {
          status: 'STOPPED',
          exitCode: event.exitCode,
          finishedAt: event.time.toISOString(),
          ...(this.#oomKilled.has(container.name) ? { error: OOM_ERROR } : {}),
        });
        return;
      case 'start':
        // Our own start step inspects the container when Docker answers; only a start from elsewhere needs one.
        if (this.#inFlight.get(container.name) === 'RUNNING') return;
        await this.#refresh(container, undefined);
        return;
      case 'restart':
        await this.#refresh(container, undefined);
        return;
      default:
        // stop, kill, pause, unpause: no status of their own (a stop or kill that ends the container is followed by die).
        return;
    }
  }

  /** Re-reads every container from Docker (after a restart, a dropped event stream, or in steady state). */
  async resync(): Promise<void> {
    await Promise.all(
      this.task.containers.map(async (container) => {
        if (!container.runtimeId && container.dockerName && container.knownStatus !== 'STOPPED') {
          // Created while the agent was down, or the create call was in flight: found by its recorded name.
          try {
            const info = await this.context.docker.inspectContainer(container.dockerName);
            this.context.indexContainer(info.Id, this.task.arn);
            this.#apply(container, changeFromInspect(info, this.context.settings.excludeIpv6PortBinding), healthFromInspect(info));
            this.context.images.recordContainer(this.task, container);
          } catch (error) {
            if (!(error instanceof NoSuchContainerError)) throw error;
          }
          return;
        }
        if (container.runtimeId && container.knownStatus !== 'STOPPED') await this.#refresh(container, undefined);
      }),
    );
    this.poke();
  }

  async #refresh(container: Container, fallback: ContainerChange | undefined): Promise<void> {
    try {
      const info = await this.context.docker.inspectContainer(container.runtimeId!);
      this.#apply(container, changeFromInspect(info, this.context.settings.excludeIpv6PortBinding), healthFromInspect(info));
    } catch (error) {
      if (error instanceof NoSuchContainerError) {
        this.#apply(container, { ...fallback, status: 'STOPPED', error: { name: 'ContainerVanishedError', message: 'the container no longer exists in Docker' } });
      } else if (fallback) {
        this.#apply(container, fallback);
      } else {
        this.context.logger.warn({ taskArn: this.task.arn, container: container.name, err: (error as Error).message }, 'Cannot inspect container');
      }
    }
  }

  #apply(container: Container, change: ContainerChange, health?: Container['health']): void {
    if (container.knownStatus === 'STOPPED' && isContainerRunning(change.status)) {
      // Statuses only move forward: a stopped container seen running again is not RUNNING again.
      // Docker's StartedAt tells a new start from a stale answer about the start that came before.
      if (change.startedAt === undefined || change.startedAt !== container.startedAt) this.#onStoppedContainerRunning(container);
      return;
    }
    if (health && health.status !== container.health.status) container.health = health;
    const moved = applyContainerChange(container, change);
    if (moved) this.context.logger.info({ taskArn: this.task.arn, container: container.name, knownStatus: container.knownStatus, exitCode: container.knownExitCode }, 'Container status changed');
    this.#save();
    this.poke();
  }

  #reconcile(): void {
    const task = this.task;
    const now = this.context.clock.now();
    const desiredChanged = updateDesiredStatus(task, now);
    const knownChanged = updateKnownStatus(task, now);
    if (desiredChanged || knownChanged) this.#save();
    if (knownChanged) this.context.logger.info({ taskArn: task.arn, knownStatus: task.knownStatus, desiredStatus: task.desiredStatus }, 'Task status changed');
    for (const container of task.containers) if (container.knownStatus === 'STOPPED') this.context.resources?.release(container);
    this.#emitChanges();
    if (task.knownStatus === 'STOPPED') {
      this.#onStopped();
      return;
    }
    if (!this.#gateOpen && task.desiredStatus !== 'STOPPED') return;
    const plan = planTask(task, {
      now: now.getTime(),
      defaultStopTimeoutSeconds: Math.max(1, Math.round(this.context.settings.stopTimeoutMs / 1000)),
      pullDependentContainersUpfront: this.context.settings.pullDependentContainersUpfront,
      inFlight: this.#inFlight,
    });
    if (plan.failure) {
      const target = task.containers.find((container) => container.name === plan.failure!.container)!;
      const [name, ...rest] = plan.failure.reason.split(': ');
      target.applyingError ??= { name: name!, message: rest.join(': ') };
      this.stopReason ??= plan.failure.reason;
      target.desiredStatus = 'STOPPED';
      task.desiredStatus = 'STOPPED';
      this.context.logger.warn({ taskArn: task.arn, container: target.name, reason: plan.failure.reason }, 'Stopping the task: a dependency cannot be met');
      this.#save();
      this.poke();
      return;
    }
    for (const step of plan.steps) this.#run(step);
    if (this.#wakeTimer) clearTimeout(this.#wakeTimer);
    this.#wakeTimer = plan.wakeAt === undefined ? undefined : setTimeout(() => this.poke(), Math.max(0, plan.wakeAt - now.getTime()) + 5);
    if (plan.stuck) this.#handleStuck();
    this.#armSteadyCheck();
  }

  /** Someone started a container the task had done with (a `docker start`, a restart policy...). */
  #onStoppedContainerRunning(container: Container): void {
    if (this.#closed) return;
    const { docker, logger, settings } = this.context;
    const fields = { taskArn: this.task.arn, container: container.name, runtimeId: container.runtimeId };
    if (this.#restopped) {
      logger.info(fields, 'Stopped container is running again; leaving it running (this task re-stopped one already)');
      return;
    }
    this.#restopped = true;
    logger.warn(fields, 'Stopped container is running again; stopping it once');
    const timeoutSeconds = stopTimeoutSeconds(container, Math.max(1, Math.round(settings.stopTimeoutMs / 1000)));
    // In flight as a stop, its die event is taken as the stop (no inspect).
    this.#inFlight.set(container.name, 'STOPPED');
    docker
      .stopContainer(container.runtimeId!, timeoutSeconds, { timeoutMs: timeoutSeconds * 1000 + STOP_CALL_BUFFER_MS })
      .catch((error: unknown) => {
        if (!(error instanceof NoSuchContainerError)) logger.warn({ ...fields, err: (error as Error).message }, 'Cannot re-stop container');
      })
      .finally(() => {
        this.#inFlight.delete(container.name);
        this.poke();
      });
  }

  /** Nothing can move: upstream stops the task, or forces it STOPPED when it was already stopping. */
  #handleStuck(): void {
    if (this.task.desiredStatus !== 'STOPPED') {
      this.task.desiredStatus = 'STOPPED';
      this.poke();
      return;
    }
    for (const container of this.task.containers) {
      if (container.knownStatus !== 'STOPPED') applyContainerChange(container, { status: 'STOPPED', error: { name: 'TaskStateError', message: "Agent could not progress task's state to stopped" } });
    }
    this.poke();
  }

  /** While running, containers are re-inspected now and then in case a Docker event was missed. */
  #armSteadyCheck(): void {
    if (this.task.knownStatus !== 'RUNNING' || this.#steadyTimer) return;
    const interval = this.context.settings.steadyStateInspectMs;
    this.#steadyTimer = setTimeout(() => {
      this.#steadyTimer = undefined;
      void this.resync().catch(() => undefined);
    }, interval + this.context.random() * 30_000);
    this.#steadyTimer.unref();
  }

  #run(step: Step): void {
    const container = this.task.containers.find((candidate) => candidate.name === step.container)!;
    if (step.kind === 'markStopped') {
      applyContainerChange(container, { status: 'STOPPED' });
      this.#save();
      this.poke();
      return;
    }
    this.#inFlight.set(container.name, STEP_TARGET[step.kind]);
    this.#execute(step, container).then(
      (change) => {
        this.#inFlight.delete(container.name);
        if (change) this.#apply(container, change);
        else this.poke();
      },
      (error: unknown) => {
        this.#inFlight.delete(container.name);
        this.#onStepError(step, container, error);
      },
    );
  }

  async #execute(step: Step, container: Container): Promise<ContainerChange | undefined> {
    const { docker, settings } = this.context;
    switch (step.kind) {
      case 'pull': {
        if (this.task.desiredStatus === 'STOPPED') return undefined;
        const now = this.context.clock.now().toISOString();
        this.task.pullStartedAt ??= now;
        const outcome = await this.context.images.pull(this.task, container, this.#abort.signal);
        this.task.pullStoppedAt = this.context.clock.now().toISOString();
        if (!outcome.pulled) {
          this.context.logger.warn({ taskArn: this.task.arn, container: container.name, err: outcome.error.message }, 'Image pull failed; will try to run anyway');
        }
        if (outcome.pulled && outcome.imageDigest) container.imageDigest = outcome.imageDigest;
        return { status: 'PULLED', ...(outcome.pulled && outcome.imageId ? { imageId: outcome.imageId } : {}) };
      }
      case 'create': {
        await this.#ensureVolumes(container);
        if (!container.dockerName) container.dockerName = this.context.dockerNameFor(this.task, container);
        await this.context.resources?.prepare(this.task, container);
        // The name is checkpointed before the create call: after a crash the container is found by it.
        await this.context.state.save();
        let options;
        try {
          options = this.context.render(this.task, container);
        } catch (error) {
          throw new DockerError('CannotCreateContainerError', (error as Error).message);
        }
        if (container.type === 'NORMAL') options = await this.#withMetadataFile(container, options);
        const name = container.dockerName;
        const id = await this.context.dockerCalls.run('create', () => this.#createOrAdopt(name, options));
        this.context.indexContainer(id, this.task.arn);
        this.context.images.recordContainer(this.task, container);
        return { status: 'CREATED', runtimeId: id };
      }
      case 'start': {
        await this.context.dockerCalls.run('start', () => docker.startContainer(container.runtimeId!, { timeoutMs: settings.startTimeoutMs }));
        const info = await docker.inspectContainer(container.runtimeId!);
        if (container.type === 'NORMAL' && info.State.Running) await this.#metadataFileReady(container, info);
        return changeFromInspect(info, settings.excludeIpv6PortBinding);
      }
      case 'stop': {
        await docker.stopContainer(container.runtimeId!, step.timeoutSeconds, { timeoutMs: step.timeoutSeconds * 1000 + STOP_CALL_BUFFER_MS });
        // Usually the die event has come first and told everything; inspect only when it has not.
        if (container.knownStatus === 'STOPPED') return undefined;
        const info = await docker.inspectContainer(container.runtimeId!).catch((error: unknown) => {
          if (error instanceof NoSuchContainerError) return undefined;
          throw error;
        });
        return info ? changeFromInspect(info, settings.excludeIpv6PortBinding) : { status: 'STOPPED' };
      }
      case 'markStopped':
        return { status: 'STOPPED' };
    }
  }

  /** The metadata file's bind and variable added to the create options; without them when it cannot be written (as upstream). */
  async #withMetadataFile(container: Container, options: ContainerCreateOptions): Promise<ContainerCreateOptions> {
    const files = this.context.metadataFiles;
    if (!files) return options;
    try {
      const mount = await files.create(this.task, container);
      return { ...options, Env: [...(options.Env ?? []), mount.env], HostConfig: { ...options.HostConfig, Binds: [...(options.HostConfig?.Binds ?? []), mount.bind] } };
    } catch (error) {
      this.context.logger.warn({ taskArn: this.task.arn, container: container.name, err: (error as Error).message }, 'Cannot create the container metadata file');
      return options;
    }
  }

  async #metadataFileReady(container: Container, info: ContainerInspectInfo): Promise<void> {
    await this.context.metadataFiles?.update(this.task, container, info).catch((error: Error) => {
      this.context.logger.warn({ taskArn: this.task.arn, container: container.name, err: error.message }, 'Cannot update the container metadata file');
    });
  }

  async #createOrAdopt(name: string, options: Parameters<EngineContext['docker']['createContainer']>[1]): Promise<string> {
    try {
      return await this.context.docker.createContainer(name, options, { timeoutMs: this.context.settings.createTimeoutMs });
    } catch (error) {
      // 409: a container with this name exists already (an earlier create that timed out on our side).
      if (error instanceof DockerError && error.statusCode === 409) return (await this.context.docker.inspectContainer(name)).Id;
      throw error;
    }
  }

  /** upstream's handleEventError, per transition. */
  #onStepError(step: Step, container: Container, error: unknown): void {
    const reason = errorOf(error, step);
    this.context.logger.warn({ taskArn: this.task.arn, container: container.name, step: step.kind, err: `${reason.name}: ${reason.message}` }, 'Container transition failed');
    switch (step.kind) {
      case 'pull':
        // The image manager rejects only when the pull behaviour (always, once) forbids going on.
        container.applyingError = reason;
        container.desiredStatus = 'STOPPED';
        this.task.desiredStatus = 'STOPPED';
        break;
      case 'create':
      case 'start':
        container.applyingError = reason;
        container.desiredStatus = 'STOPPED';
        if (step.kind === 'start' && error instanceof DockerTimeoutError && container.runtimeId) {
          void this.context.docker.stopContainer(container.runtimeId, 0).catch(() => undefined);
        }
        break;
      case 'stop':
        if (error instanceof DockerTimeoutError || (error instanceof DockerError && 'retriable' in error && (error as { retriable: boolean }).retriable)) {
          setTimeout(() => this.poke(), STOP_RETRY_MS).unref();
          return;
        }
        applyContainerChange(container, { status: 'STOPPED', error: reason });
        break;
      default:
        break;
    }
    this.#save();
    this.poke();
  }

  async #ensureVolumes(container: Container): Promise<void> {
    for (const volume of volumesMountedBy(this.task, container)) {
      let pending = this.#volumes.get(volume.name);
      if (!pending) {
        pending = this.#createVolume(volume);
        this.#volumes.set(volume.name, pending);
        pending.catch(() => this.#volumes.delete(volume.name));
      }
      await pending;
    }
  }

  async #createVolume(volume: ProvisionedVolume): Promise<void> {
    if (volume.knownStatus === 'CREATED') return;
    const docker = this.context.docker;
    const create = () =>
      volume.type === 'emptyHost'
        ? docker.createVolume({ Name: volume.dockerVolumeName, Driver: 'local' })
        : docker.createVolume({ Name: volume.dockerVolumeName, Driver: volume.driver || 'local', DriverOpts: { ...volume.driverOpts }, Labels: { ...volume.labels } });
    if (volume.type === 'docker' && volume.scope === 'shared') {
      const existing = await docker.inspectVolume(volume.dockerVolumeName).then(
        (info) => ({ labels: info.Labels ?? null, options: info.Options ?? null }),
        (error: unknown) => {
          if (error instanceof NoSuchVolumeError) return undefined;
          throw error;
        },
      );
      const action = sharedVolumeAction(this.task, volume, existing, this.context.settings.sharedVolumeMatchFullConfig);
      if (!action.ok) throw new DockerError('CannotCreateVolumeError', action.error.message);
      if (action.value === 'create') await create();
    } else {
      await create();
    }
    volume.knownStatus = 'CREATED';
  }

  /** Queues what ECS has not been told: container changes wait for the next task change or the drain timer. */
  #emitChanges(): void {
    const task = this.task;
    for (const container of task.containers) {
      const status = container.knownStatus;
      if (!shouldReportContainerStatus(status, container.steadyState) || !containerStatusBefore(container.sentStatus, status)) continue;
      if (!containerStatusBefore(this.#emitted.get(container.name) ?? 'NONE', status)) continue;
      this.#emitted.set(container.name, status);
      this.#buffered.add(container);
    }
    const status = task.knownStatus;
    const reportable = status === 'RUNNING' || status === 'STOPPED';
    if (reportable && taskStatusBefore(task.sentStatus, status) && taskStatusBefore(this.#emittedTask, status)) {
      this.#emittedTask = status;
      this.#flush(status);
      return;
    }
    if (this.#buffered.size > 0 && !this.#drainTimer) {
      const [min, max] = this.context.settings.drainIntervalMs;
      this.#drainTimer = setTimeout(() => {
        this.#drainTimer = undefined;
        if (this.#buffered.size > 0) this.#flush(undefined);
      }, min + this.context.random() * (max - min));
      this.#drainTimer.unref();
    }
  }

  #flush(taskStatus: TaskStatus | undefined): void {
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    const containers = [...this.#buffered];
    this.#buffered.clear();
    const reason = taskStatus === 'STOPPED' ? this.stopReason : undefined;
    this.context.report(
      buildStateChange(this.context.settings.cluster, this.task, taskStatus, containers, reason, async () => {
        await this.context.state.save();
        this.poke();
      }),
    );
  }

  #onStopped(): void {
    if (this.#cleanupPhase === 'none') {
      this.#cleanupPhase = 'waiting';
      if (this.task.stopSequenceNumber > 0) this.context.stopSequence.done(this.task.stopSequenceNumber);
      if (this.#steadyTimer) clearTimeout(this.#steadyTimer);
      void this.#cleanupWhenReported();
      return;
    }
    // Reported while cleanup waited for it (the report's acknowledgement pokes): clean up now.
    if (this.#cleanupPhase === 'awaitingReport' && this.#stopReported()) void this.#cleanup();
  }

  #stopReported(): boolean {
    return !taskStatusBefore(this.task.sentStatus, 'STOPPED');
  }

  /**
   * Cleanup after ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION (+ jitter) from the task's STOPPED, and only
   * once ECS knows the task stopped. A stop never reported within the checks gives cleanup up, as
   * upstream: the containers stay, the task stays in the state and the checkpoint but is no longer
   * managed (a Docker event changes nothing), until the agent restarts and starts over with it.
   */
  async #cleanupWhenReported(): Promise<void> {
    const { clock, settings, logger } = this.context;
    const signal = this.#abort.signal;
    const stoppedAt = Date.parse(this.task.knownTime ?? clock.now().toISOString());
    const due = stoppedAt + settings.cleanupWaitMs + this.context.random() * settings.cleanupWaitJitterMs;
    await clock.sleep(Math.max(0, due - clock.now().getTime()), signal);
    for (let check = 1; check <= STOP_REPORT_MAX_CHECKS; check++) {
      if (this.#closed || this.#cleanupPhase === 'cleaning') return;
      if (this.#stopReported()) {
        void this.#cleanup();
        return;
      }
      this.#cleanupPhase = 'awaitingReport';
      logger.warn({ taskArn: this.task.arn, sentStatus: this.task.sentStatus, check, maxChecks: STOP_REPORT_MAX_CHECKS }, 'Cleanup waits until the task has been reported STOPPED');
      await clock.sleep(STOP_REPORT_CHECK_INTERVAL_MS, signal);
    }
    if (this.#closed || this.#cleanupPhase === 'cleaning') return;
    logger.error({ taskArn: this.task.arn, sentStatus: this.task.sentStatus }, 'Task cleanup given up: its STOPPED was never reported; its containers are left in place');
    this.close();
  }

  async #cleanup(): Promise<void> {
    this.#cleanupPhase = 'cleaning';
    const { docker, logger } = this.context;
    for (const container of this.task.containers) {
      if (isContainerRunning(container.knownStatus)) continue;
      if (container.runtimeId) {
        await docker.removeContainer(container.runtimeId).catch((error: unknown) => {
          if (!(error instanceof NoSuchContainerError)) logger.warn({ taskArn: this.task.arn, container: container.name, err: (error as Error).message }, 'Cannot remove container');
        });
      }
      this.context.images.releaseContainer(this.task, container);
    }
    for (const volume of this.task.volumes) {
      if (volume.type === 'host' || (volume.type === 'docker' && volume.scope === 'shared') || volume.knownStatus !== 'CREATED') continue;
      await docker.removeVolume(volume.dockerVolumeName).catch((error: unknown) => {
        if (!(error instanceof NoSuchVolumeError)) logger.warn({ taskArn: this.task.arn, volume: volume.name, err: (error as Error).message }, 'Cannot remove task volume');
      });
      volume.knownStatus = 'REMOVED';
    }
    await this.context.resources?.cleanup(this.task);
    await this.context.metadataFiles?.clean(this.task).catch((error: Error) => logger.warn({ taskArn: this.task.arn, err: error.message }, 'Cannot remove the container metadata files'));
    logger.info({ taskArn: this.task.arn }, 'Task cleaned up');
    this.close();
    this.context.removeTask(this.task.arn);
  }
}

function errorOf(error: unknown, step: Step): { name: string; message: string } {
  if (error instanceof DockerError) return { name: error.name, message: error.message };
  const names: Record<Step['kind'], string> = {
    pull: 'CannotPullContainerError',
    create: 'CannotCreateContainerError',
    start: 'CannotStartContainerError',
    stop: 'CannotStopContainerError',
    markStopped: 'TaskStateError',
  };
  return { name: names[step.kind], message: (error as Error)?.message ?? String(error) };
}
