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
  latestSeqNumberTaskManifest: number | undefined;
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
    if (typeof data.latestSeqNumberTaskManifest === 'number') this.latestSeqNumberTaskManifest = data.latestSeqNumberTaskManifest;
    const engine = (data.TaskEngine ?? {}) as { Tasks?: unknown; ImageStates?: unknown };
    this.loadedEngine = { tasks: Array.isArray(engine.Tasks) ? engine.Tasks : [], images: Array.isArray(engine.ImageStates) ? engine.ImageStates : [] };
  }

  /** The engine's state is read from here at every save. */
  attachEngine(snapshot: () => EngineCheckpoint): void {
    this.#engine = snapshot;
  }

  save(): Promise<void> {
    return this.#manager ? this.#manager.save() : Promise.resolve();
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
