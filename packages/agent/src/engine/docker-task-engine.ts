import type { Clock, Logger } from '@fractal-ecs/common';
import type { Container, ModelResult, Task } from '../api';
import type { DockerClient, DockerEvent, EventSubscription } from '../dockerclient';
import { TaskStateReporter, type StateChangeApi } from '../eventhandler';
import type { AgentCheckpoint } from '../statemanager';
import type { TrackedContainer, TrackedContainerSource } from '../stats';
import type { AcsTask } from '../wire';
import type { ContainerMetadataHooks, ContainerRenderer, ContainerResources, EngineContext, EngineSettings, TaskImages } from './engine-context';
import { DockerCallLimiter } from './docker-call-limiter';
import { ManagedTask } from './managed-task';
import { StopSequence } from './stop-sequence';
import type { DesiredStatus, EngineTaskSummary, TaskDelivery, TaskEngine } from './task-engine';

/** How ACS tasks become model tasks and containers become Docker objects (the api module). */
export interface TaskModel {
  fromAcs(acs: AcsTask, delivery: TaskDelivery): ModelResult<Task>;
  render: ContainerRenderer;
  dockerNameFor(task: Task, container: Container): string;
}

export interface DockerTaskEngineOptions {
  docker: DockerClient;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  settings: EngineSettings;
  model: TaskModel;
  images: TaskImages;
  api: StateChangeApi;
  checkpoint: AgentCheckpoint;
  resources?: ContainerResources;
  metadataFiles?: ContainerMetadataHooks;
}

/**
 * The task engine: owns every task the agent runs, routes Docker events to them, reports their state
 * changes to ECS and checkpoints them. Each task is a ManagedTask (planner + executor).
 */
export class DockerTaskEngine implements TaskEngine, TrackedContainerSource {
  readonly #tasks = new Map<string, ManagedTask>();
  readonly #byContainerId = new Map<string, string>();
  readonly #stopSequence = new StopSequence();
  readonly #reporter: TaskStateReporter;
  readonly #context: EngineContext;
  #events: EventSubscription | undefined;
  #disabled = false;

  constructor(private readonly options: DockerTaskEngineOptions) {
    const random = options.random ?? Math.random;
    this.#reporter = new TaskStateReporter({ api: options.api, clock: options.clock, logger: options.logger, random });
    this.#context = {
      docker: options.docker,
      clock: options.clock,
      logger: options.logger,
      random,
      settings: options.settings,
      images: options.images,
      render: options.model.render,
      dockerNameFor: options.model.dockerNameFor,
      state: options.checkpoint,
      report: (change) => this.#reporter.submit(change),
      dockerCalls: new DockerCallLimiter(options.settings.dockerCallConcurrency),
      stopSequence: this.#stopSequence,
      indexContainer: (id, arn) => this.#byContainerId.set(id, arn),
      removeTask: (arn) => this.#remove(arn),
      ...(options.resources ? { resources: options.resources } : {}),
      ...(options.metadataFiles ? { metadataFiles: options.metadataFiles } : {}),
    };
    options.checkpoint.attachEngine(() => ({ tasks: [...this.#tasks.values()].map((managed) => managed.task), images: options.images.imageStates?.() ?? [] }));
  }

  /**
   * Subscribes to Docker events, then takes back the checkpointed tasks and reconciles them with Docker:
   * containers created while the agent was down are found by name, running ones adopted, stopped ones
   * reported with their exit codes; unsent state changes are sent again.
   */
  async start(): Promise<void> {
    this.#events = this.options.docker.subscribeEvents((event) => this.#onEvent(event), {
      onStreamError: (error) => this.options.logger.warn({ err: error.message }, 'Docker event stream interrupted; reconnecting'),
    });
    this.options.images.loadImageStates?.(this.options.checkpoint.loadedEngine.images);
    const restored: ManagedTask[] = [];
    for (const [index, value] of this.options.checkpoint.loadedEngine.tasks.entries()) {
      const task = restoreTask(value);
      if (!task) {
        this.options.logger.error({ index }, 'Checkpointed task skipped: not a task');
        continue;
      }
      const managed = new ManagedTask(task, this.#context);
      this.#tasks.set(task.arn, managed);
      for (const container of task.containers) if (container.runtimeId) this.#byContainerId.set(container.runtimeId, task.arn);
      if (task.desiredStatus === 'STOPPED' && task.knownStatus !== 'STOPPED' && task.stopSequenceNumber > 0) this.#stopSequence.register(task.stopSequenceNumber);
      restored.push(managed);
    }
    await Promise.all(
      restored.map((managed) =>
        managed.resync().catch((error: Error) => this.options.logger.error({ taskArn: managed.task.arn, err: error.message }, 'Cannot reconcile restored task with Docker')),
      ),
    );
    for (const managed of restored) managed.start();
    if (restored.length > 0) this.options.logger.info({ tasks: restored.length }, 'Restored tasks from the checkpoint');
    this.options.images.startCleanup?.();
  }

  /**
   * Stops watching Docker and retrying; containers keep running. From here on tasks are refused
   * (upstream's Disable): their payload goes unacknowledged, so ACS delivers it to the next agent rather
   * than to an engine that will not run it. The agent's final save checkpoints the tasks next.
   */
  async close(): Promise<void> {
    this.#disabled = true;
    this.#events?.close();
    this.#reporter.close();
    await this.options.images.stopCleanup?.();
    for (const managed of this.#tasks.values()) managed.close();
  }

  async addTask(acs: AcsTask, delivery: TaskDelivery): Promise<void> {
    if (this.#disabled) throw new Error('the task engine is disabled: the agent is stopping');
    if (!acs.arn) throw new Error('task.arn: expected a task ARN, got nothing');
    const existing = this.#tasks.get(acs.arn);
    if (existing) {
      if (acs.desiredStatus === 'STOPPED' && existing.task.desiredStatus !== 'STOPPED') {
        if (delivery.seqNum !== undefined && existing.task.stopSequenceNumber === 0) {
          existing.task.stopSequenceNumber = delivery.seqNum;
          if (existing.task.knownStatus !== 'STOPPED') this.#stopSequence.register(delivery.seqNum);
        }
        existing.stopRequested();
        await this.options.checkpoint.save();
      }
      return;
    }
    const model = this.options.model.fromAcs(acs, delivery);
    if (!model.ok) {
      await this.#refuse(acs, `UnrecognizedTaskError: ${model.error.message}`);
      return;
    }
    const task = model.value;
    if (task.desiredStatus === 'STOPPED' && task.stopSequenceNumber > 0) this.#stopSequence.register(task.stopSequenceNumber);
    const managed = new ManagedTask(task, this.#context);
    this.#tasks.set(task.arn, managed);
    // A new task is checkpointed before ACS is acknowledged: a crash after the ack cannot lose it.
    await this.options.checkpoint.save();
    this.options.logger.info({ taskArn: task.arn, desiredStatus: task.desiredStatus, containers: task.containers.map((c) => c.name) }, 'Task added to the engine');
    managed.start();
  }

  listTasks(): readonly EngineTaskSummary[] {
    return [...this.#tasks.values()].map(({ task }) => ({ arn: task.arn, desiredStatus: (task.desiredStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING') as DesiredStatus }));
  }

  hasTask(arn: string): boolean {
    return this.#tasks.has(arn);
  }

  async stopTask(arn: string): Promise<void> {
    const managed = this.#tasks.get(arn);
    if (!managed) throw new Error(`task ${arn}: not known to the engine`);
    managed.stopRequested();
  }

  /** Every task (for the HTTP endpoints and tests). */
  tasks(): readonly Task[] {
    return [...this.#tasks.values()].map((managed) => managed.task);
  }

  /**
   * What the stats engine samples at every tick: the running containers of tasks not yet stopped. Built
   * from the model alone (no Docker call), so it stays cheap at any cadence.
   */
  runningContainers(): readonly TrackedContainer[] {
    const out: TrackedContainer[] = [];
    for (const { task } of this.#tasks.values()) {
      if (task.knownStatus === 'STOPPED' || !task.arn || !task.family) continue;
      for (const container of task.containers) {
        if (container.knownStatus !== 'RUNNING' || !container.runtimeId) continue;
        out.push(trackedContainer(task, container));
      }
    }
    return out;
  }

  /** Resolves once ECS has accepted every state change queued so far. */
  whenReported(): Promise<void> {
    return this.#reporter.whenIdle();
  }


  /**
   * A task that cannot be modelled fails alone: it is reported STOPPED with the reason and not kept, and
   * the payload is still acknowledged (redelivering it would fail the same way).
   */
  async #refuse(acs: AcsTask, reason: string): Promise<void> {
    this.options.logger.error({ taskArn: acs.arn, reason }, 'Task refused');
    if (acs.desiredStatus === 'STOPPED') return;
    let sent = false;
    this.#reporter.submit({
      taskArn: acs.arn!,
      request: {
        cluster: this.options.settings.cluster,
        task: acs.arn,
        status: 'STOPPED',
        reason: reason.slice(0, 255),
        containers: (acs.containers ?? []).filter((c) => c.name).map((c) => ({ containerName: c.name!, status: 'STOPPED', reason: reason.slice(0, 255) })),
      },
      isRedundant: () => sent,
      markSent: async () => {
        sent = true;
      },
    });
  }

  #onEvent(event: DockerEvent): void {
    if (event.kind === 'resumed') {
      for (const managed of this.#tasks.values()) void managed.resync().catch(() => undefined);
      return;
    }
    const arn = this.#byContainerId.get(event.id);
    const managed = arn ? this.#tasks.get(arn) : undefined;
    if (!managed) return;
    void managed.onDockerEvent(event).catch((error: Error) => this.options.logger.warn({ taskArn: arn, err: error.message }, 'Docker event not applied'));
  }

  #remove(arn: string): void {
    const managed = this.#tasks.get(arn);
    if (!managed) return;
    this.#tasks.delete(arn);
    for (const container of managed.task.containers) if (container.runtimeId) this.#byContainerId.delete(container.runtimeId);
    this.options.checkpoint.save().catch((error: Error) => this.options.logger.error({ err: error.message }, 'Cannot write the agent checkpoint'));
  }
}

/** A checkpointed task, when it has the shape this agent writes. */
function restoreTask(value: unknown): Task | undefined {
  const task = value as Partial<Task> | null;
  if (!task || typeof task !== 'object' || typeof task.arn !== 'string' || !Array.isArray(task.containers) || !Array.isArray(task.volumes)) return undefined;
  return task as Task;
}

function trackedContainer(task: Task, container: Container): TrackedContainer {
  const since = container.health.since ? new Date(container.health.since) : undefined;
  return {
    taskArn: task.arn,
    taskDefinitionFamily: task.family,
    taskDefinitionVersion: task.version,
    containerName: container.name,
    dockerId: container.runtimeId!,
    ...(container.containerArn ? { containerArn: container.containerArn } : {}),
    ...(container.dockerName ? { dockerName: `/${container.dockerName}` } : {}),
    ...(container.pid ? { pid: container.pid } : {}),
    ...(task.cgroup ? { cgroupParent: task.cgroup.root } : {}),
    networkMode: task.networkMode,
    ...(container.healthCheckType === 'docker'
      ? { health: { status: container.health.status, ...(since && !Number.isNaN(since.getTime()) ? { since } : {}) } }
      : {}),
  };
}

