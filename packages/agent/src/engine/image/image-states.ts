import type { Clock } from '@fractal-ecs/common';

/** One image's state in upstream's checkpoint layout (`TaskEngine.ImageStates[]` in ecs_agent_data.json). */
export interface ImageStateJson {
  readonly Image: { readonly ImageID: string; readonly Names: readonly string[]; readonly Size: number };
  readonly PulledAt: string;
  readonly LastUsedAt: string;
  readonly PullSucceeded: boolean;
}

export interface TrackedImage {
  readonly imageId: string;
  /** Names (`repo:tag`) containers used for this image ID; a re-pointed tag moves to the new ID. */
  readonly names: Set<string>;
  size: number;
  pulledAt: Date;
  lastUsedAt: Date;
  pullSucceeded: boolean;
  /** Keys of the containers using it (not checkpointed: the engine re-records them on restart). */
  readonly containers: Set<string>;
}

/** Image states by image ID: what the agent pulled, which containers use it, when it was last used. */
export class ImageStates {
  readonly #byId = new Map<string, TrackedImage>();

  constructor(private readonly clock: Clock) {}

  all(): TrackedImage[] {
    return [...this.#byId.values()];
  }

  get(imageId: string): TrackedImage | undefined {
    return this.#byId.get(imageId);
  }

  /** The tracked image currently holding `name`. */
  byName(name: string): TrackedImage | undefined {
    for (const image of this.#byId.values()) if (image.names.has(name)) return image;
    return undefined;
  }

  /** Whether `name` was pulled successfully and its image is still tracked (ECS_IMAGE_PULL_BEHAVIOR=once). */
  pulledBefore(name: string): boolean {
    return this.byName(name)?.pullSucceeded === true;
  }

  /** A successful pull of `name` gave `imageId`. */
  recordPull(name: string, imageId: string, size: number): TrackedImage {
    const image = this.#track(name, imageId, size);
    image.pullSucceeded = true;
    image.pulledAt = this.clock.now();
    return image;
  }

  /** Container `key` uses `name`, which is image `imageId`. */
  addReference(key: string, name: string, imageId: string, size?: number): TrackedImage {
    for (const other of this.#byId.values()) if (other.imageId !== imageId) other.containers.delete(key);
    const image = this.#track(name, imageId, size);
    image.containers.add(key);
    return image;
  }

  /** Container `key` is gone: its image was last used now. */
  removeReference(key: string): TrackedImage | undefined {
    for (const image of this.#byId.values()) {
      if (image.containers.delete(key)) {
        image.lastUsedAt = this.clock.now();
        return image;
      }
    }
    return undefined;
  }

  forget(imageId: string): void {
    this.#byId.delete(imageId);
  }

  toJSON(): ImageStateJson[] {
    return this.all().map((image) => ({
      Image: { ImageID: image.imageId, Names: [...image.names], Size: image.size },
      PulledAt: image.pulledAt.toISOString(),
      LastUsedAt: image.lastUsedAt.toISOString(),
      PullSucceeded: image.pullSucceeded,
    }));
  }

  /** Loads checkpointed states; returns a message for each entry it could not read (and skipped). */
  load(entries: readonly unknown[]): string[] {
    const problems: string[] = [];
    entries.forEach((entry, index) => {
      const parsed = parseImageState(entry);
      if (typeof parsed === 'string') {
        problems.push(`ImageStates[${index}]: ${parsed}`);
        return;
      }
      this.#byId.set(parsed.imageId, parsed);
    });
    return problems;
  }

  #track(name: string, imageId: string, size: number | undefined): TrackedImage {
    // A tag names one image: when it now points at another ID, the old image loses it.
    for (const other of this.#byId.values()) if (other.imageId !== imageId) other.names.delete(name);
    let image = this.#byId.get(imageId);
    if (!image) {
      const now = this.clock.now();
      image = { imageId, names: new Set(), size: size ?? 0, pulledAt: now, lastUsedAt: now, pullSucceeded: false, containers: new Set() };
      this.#byId.set(imageId, image);
    }
    image.names.add(name);
    if (size !== undefined) image.size = size;
    return image;
  }
}

function parseImageState(entry: unknown): TrackedImage | string {
  if (typeof entry !== 'object' || entry === null) return 'expected an object';
  const state = entry as Partial<Record<keyof ImageStateJson, unknown>>;
  const image = state.Image as { ImageID?: unknown; Names?: unknown; Size?: unknown } | undefined;
  if (typeof image !== 'object' || image === null || typeof image.ImageID !== 'string' || image.ImageID === '') {
    return 'Image.ImageID: expected an image ID';
  }
  const names = image.Names ?? [];
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) return `Image.Names: expected strings, got ${JSON.stringify(names)}`;
  const pulledAt = parseTime(state.PulledAt);
  const lastUsedAt = parseTime(state.LastUsedAt);
  if (!pulledAt) return `PulledAt: expected an RFC 3339 time, got ${JSON.stringify(state.PulledAt)}`;
  if (!lastUsedAt) return `LastUsedAt: expected an RFC 3339 time, got ${JSON.stringify(state.LastUsedAt)}`;
  return {
    imageId: image.ImageID,
    names: new Set(names as string[]),
    size: typeof image.Size === 'number' ? image.Size : 0,
    pulledAt,
    lastUsedAt,
    pullSucceeded: state.PullSucceeded === true,
    containers: new Set(),
  };
}

function parseTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
