// The Fractal features' I/O around the engine's container lifecycle: before create (FractalID,
// directories, devices, all recorded in the checkpointed container state first), when a container
// stops (devices back) and after task cleanup (directories removed).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@fractal-ecs/common';
import type { Container, RandomSource, Task } from '../api';
import type { FractalSettings } from '../config';
import type { StateSaver } from '../statemanager';
import type { DeviceProvider } from './device-provider';
import { containerDirectories } from './fractal-create-options';
import { newFractalId } from './fractal-id';
import type { FractalContainerState } from './fractal-state';
import { createHostDirectories, removeHostDirectories } from './host-directories';
import { fillPlaceholders } from './placeholder';

export interface FractalResourcesOptions {
  readonly settings: FractalSettings;
  /** The provider ECS_FRACTAL_DEVICE_PROVIDER chose; `providers` also holds the others, for restored state. */
  readonly provider: DeviceProvider;
  readonly providers?: readonly DeviceProvider[];
  /** Every task the agent knows (restored ones included): the source of truth for IDs and devices in use. */
  readonly tasks: () => readonly Task[];
  readonly state: StateSaver;
  readonly random: RandomSource;
  readonly logger: Logger;
}

export class FractalResources {
  #choices: Promise<unknown> = Promise.resolve();
  readonly #releasing = new Set<Container>();

  constructor(private readonly options: FractalResourcesOptions) {}

  /**
   * Before docker create: the container's FractalID, its directories and devices. Each is recorded
   * and checkpointed before it is made, and found again when the create is retried after a restart.
   * Rejects with the reason the container's create failure reports.
   */
  async prepare(task: Task, container: Container): Promise<void> {
    const { settings, state } = this.options;
    const extra = this.options.provider.name === 'uinput' ? [settings.socketsDir] : [];
    // Only the choices wait for each other (an ID or a device must not be picked twice); checkpoint
    // writes and directories of different containers go on in parallel.
    const choice = this.#choices.then(() => this.#choose(task, container, extra));
    this.#choices = choice.catch(() => undefined);
    const fractal = await choice;
    // The checkpoint knows the directories before they exist. Last, so a container that cannot get
    // its devices leaves no directories behind.
    await state.save();
    await createHostDirectories(settings.hostRoot, containerDirectories(task, container, fractal.id, extra), settings.dirMode);
  }

  async #choose(task: Task, container: Container, extra: readonly string[]): Promise<FractalContainerState> {
    const { settings } = this.options;
    if (!container.fractal) {
      const known = new Set(this.#containers().flatMap((each) => (each.fractal ? [each.fractal.id] : [])));
      // An ID whose directory exists already belongs to someone else: draw another.
      const id = newFractalId(this.options.random, (candidate) => known.has(candidate) || containerDirectories(task, container, candidate, extra).some((dir) => existsSync(path.join(settings.hostRoot, dir.root))));
      const dirs = [...new Set(containerDirectories(task, container, id, extra).map((dir) => dir.root))];
      container.fractal = { id, dirs, devices: [], provider: this.options.provider.name };
    }
    const fractal = container.fractal;
    if (fractal.devices.length > 0 && !fractal.devicesReleased && this.#provider(fractal).holds?.(fractal) === false) fractal.devices = [];
    if (fractal.devices.length === 0 && !fractal.devicesReleased && container.type === 'NORMAL') {
      const inUse = new Set(
        this.#containers()
          .filter((each) => each !== container && each.fractal && !each.fractal.devicesReleased)
          .flatMap((each) => each.fractal!.devices),
      );
      fractal.devices = await this.options.provider.acquire({ fractalId: fractal.id, inUse, socketsDir: fillPlaceholders(settings.socketsDir, fractal.id) });
      fractal.provider = this.options.provider.name;
    }
    return fractal;
  }

  /** The container stopped: its devices go back (once). Safe to call on every reconcile. */
  release(container: Container): void {
    const fractal = container.fractal;
    if (!fractal || fractal.devicesReleased || this.#releasing.has(container)) return;
    this.#releasing.add(container);
    void this.#provider(fractal)
      .release(fractal)
      .catch((error: Error) => this.options.logger.warn({ fractalId: fractal.id, err: error.message }, 'Cannot release the container devices'))
      .then(() => {
        fractal.devicesReleased = true;
        this.#releasing.delete(container);
        return this.options.state.save();
      })
      .catch((error: Error) => this.options.logger.error({ err: error.message }, 'Cannot write the agent checkpoint'));
  }

  /** After task cleanup: the directories the agent made go, unless ECS_FRACTAL_KEEP_DIRS. */
  async cleanup(task: Task): Promise<void> {
    for (const container of task.containers) {
      const fractal = container.fractal;
      if (!fractal || fractal.dirsRemoved) continue;
      if (!fractal.devicesReleased) {
        await this.#provider(fractal).release(fractal).catch(() => undefined);
        fractal.devicesReleased = true;
      }
      if (!this.options.settings.keepDirs) {
        await removeHostDirectories(this.options.settings.hostRoot, fractal.dirs).catch((error: Error) =>
          this.options.logger.warn({ taskArn: task.arn, container: container.name, dirs: fractal.dirs, err: error.message }, 'Cannot remove the container directories'),
        );
      }
      fractal.dirsRemoved = true;
    }
  }

  #containers(): Container[] {
    return this.options.tasks().flatMap((task) => task.containers);
  }

  #provider(state: FractalContainerState): DeviceProvider {
    return [this.options.provider, ...(this.options.providers ?? [])].find((provider) => provider.name === state.provider) ?? this.options.provider;
  }
}
