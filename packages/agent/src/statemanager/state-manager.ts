import type { StateFile } from './state-file';

/** Where a checkpoint goes: the state file, or nowhere when ECS_CHECKPOINT is off. */
export interface StateSaver {
  /** Resolves once a checkpoint taken after this call is durable. */
  save(): Promise<void>;
}

export const noStateSaver: StateSaver = { save: async () => undefined };

/**
 * Coalesces checkpoints: a save asked for while one is being written is folded into the next write,
 * which snapshots the state when it starts. Every caller waits for a write that began after its call,
 * so "saved before acting" holds without writing the file once per change.
 */
export class StateManager implements StateSaver {
  #writing: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  constructor(
    private readonly file: StateFile,
    private readonly snapshot: () => Record<string, unknown>,
  ) {}

  save(): Promise<void> {
    if (this.#next) return this.#next;
    if (!this.#writing) {
      this.#writing = this.#write().finally(() => (this.#writing = undefined));
      return this.#writing;
    }
    const after = this.#writing.catch(() => undefined);
    this.#next = after.then(() => {
      this.#next = undefined;
      return this.save();
    });
    return this.#next;
  }

  async #write(): Promise<void> {
    await this.file.save(this.snapshot());
  }
}
