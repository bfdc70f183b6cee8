import type { Logger } from '@fractal-ecs/common';
import { CorruptStateFileError, type StateFile } from './state-file';
import { StateManager, type StateSaver } from './state-manager';

/** Who this agent registered as (upstream's metadata keys). */
export interface CheckpointInstance {
  readonly cluster: string;
  readonly containerInstanceArn: string;
  readonly ec2InstanceId?: string;
  readonly availabilityZone?: string;
}

/** The engine's part of the checkpoint: tasks (with containers, Docker names and IDs) and image states. */
export interface EngineCheckpoint {
  readonly tasks: readonly unknown[];
  readonly images: readonly unknown[];
}

/**
 * Everything the agent checkpoints into ECS_DATADIR, in one file with upstream's `Data` layout
 * (`Cluster`, `ContainerInstanceArn`, `EC2InstanceID`, `availabilityZone`, `TaskEngine`). With
 * ECS_CHECKPOINT off there is no file: nothing is loaded and saves do nothing.
 */
export class AgentCheckpoint implements StateSaver {
  instance: CheckpointInstance | undefined;
  /** Upstream's `latestSeqNumberTaskManifest`: the highest payload seqNum or processed manifest timeline. */
  latestSeqNumberTaskManifest: number | undefined;
  /** The sequence number a completed write carried: lets the ACS handlers skip a write the engine already made. */
  #durableSeqNumber = 0;
  /** What was loaded, until the engine takes it over. */
  loadedEngine: EngineCheckpoint = { tasks: [], images: [] };
  #engine: () => EngineCheckpoint = () => this.loadedEngine;
  readonly #manager: StateManager | undefined;

  constructor(
    private readonly file: StateFile | undefined,
    private readonly logger: Logger,
  ) {
    this.#manager = file ? new StateManager(file, () => this.#snapshot()) : undefined;
  }

  /** Reads the file. A corrupt one is reported (file and problem) and left aside; the agent starts afresh. */
  async load(): Promise<void> {
    if (!this.file) return;
    let data: Record<string, unknown> | undefined;
    try {
      data = await this.file.load();
    } catch (error) {
      if (!(error instanceof CorruptStateFileError)) throw error;
      this.logger.error({ file: error.file, problem: error.problem, ...(error.movedTo ? { movedTo: error.movedTo } : {}) }, `${error.message}; starting without saved state`);
      return;
    }
    if (!data) return;
    if (typeof data.Cluster === 'string' && typeof data.ContainerInstanceArn === 'string' && data.ContainerInstanceArn !== '') {
      this.instance = {
        cluster: data.Cluster,
        containerInstanceArn: data.ContainerInstanceArn,
        ...(typeof data.EC2InstanceID === 'string' && data.EC2InstanceID ? { ec2InstanceId: data.EC2InstanceID } : {}),
        ...(typeof data.availabilityZone === 'string' && data.availabilityZone ? { availabilityZone: data.availabilityZone } : {}),
      };
    }
    const seqNumber = data.latestSeqNumberTaskManifest;
    if (typeof seqNumber === 'number' && Number.isSafeInteger(seqNumber) && seqNumber >= 0) this.latestSeqNumberTaskManifest = this.#durableSeqNumber = seqNumber;
    else if (seqNumber !== undefined && seqNumber !== null) {
      this.logger.warn({ file: this.file.file }, `latestSeqNumberTaskManifest: expected a non-negative integer, got ${JSON.stringify(seqNumber)}; every task manifest is taken as new`);
    }
    const engine = (data.TaskEngine ?? {}) as { Tasks?: unknown; ImageStates?: unknown };
    this.loadedEngine = { tasks: Array.isArray(engine.Tasks) ? engine.Tasks : [], images: Array.isArray(engine.ImageStates) ? engine.ImageStates : [] };
  }

  /** The engine's state is read from here at every save. */
  attachEngine(snapshot: () => EngineCheckpoint): void {
    this.#engine = snapshot;
  }

  /**
   * Upstream's reset when the saved state belongs to another EC2 instance: this one registers anew, so
   * the saved tasks, images and task-manifest sequence number are not restored (the next save drops them).
   */
  forgetSavedState(): void {
    this.instance = undefined;
    this.latestSeqNumberTaskManifest = undefined;
    this.#durableSeqNumber = 0;
    this.loadedEngine = { tasks: [], images: [] };
  }

  save(): Promise<void> {
    if (!this.#manager) return Promise.resolve();
    const seqNumber = this.latestSeqNumberTaskManifest ?? 0;
    // The write that resolves this call snapshots the state after it, so it carries at least seqNumber.
    return this.#manager.save().then(() => {
      if (seqNumber > this.#durableSeqNumber) this.#durableSeqNumber = seqNumber;
    });
  }

  /** Resolves once the current task-manifest sequence number is on disk; writes only when no completed save carried it. */
  async saveSeqNumber(): Promise<void> {
    if ((this.latestSeqNumberTaskManifest ?? 0) <= this.#durableSeqNumber) return;
    await this.save();
  }

  #snapshot(): Record<string, unknown> {
    const engine = this.#engine();
    return {
      Cluster: this.instance?.cluster ?? '',
      ContainerInstanceArn: this.instance?.containerInstanceArn ?? '',
      EC2InstanceID: this.instance?.ec2InstanceId ?? '',
      availabilityZone: this.instance?.availabilityZone ?? '',
      ...(this.latestSeqNumberTaskManifest === undefined ? {} : { latestSeqNumberTaskManifest: this.latestSeqNumberTaskManifest }),
      TaskEngine: { Tasks: engine.tasks, ImageStates: engine.images },
    };
  }
}
