import {
  NoSuchImageError,
  withDefaultTag,
  type ContainerInspectInfo,
  type ContainerSummary,
  type DockerClient,
  type ImageInspectInfo,
  type ImageSummary,
  type PullOptions,
  type RegistryAuth,
} from '../../src/dockerclient';

interface FakeImage {
  id: string;
  tags: Set<string>;
  size: number;
  /** Seconds since the epoch. */
  created: number;
}

/**
 * An in-memory Docker for image-manager tests: images by tag, scripted pull results, and a log of the
 * calls that matter. Only the image and container-listing calls are implemented.
 */
export class FakeDocker implements Partial<DockerClient> {
  readonly images = new Map<string, FakeImage>();
  readonly calls: string[] = [];
  /** What the registry holds: a pull of a tag here (re)points the tag at this ID. */
  readonly registry = new Map<string, string>();
  /** Errors the next pulls throw, per image reference. */
  readonly pullFailures = new Map<string, Error[]>();
  readonly pullAuth: Array<RegistryAuth | undefined> = [];
  /** Image refs whose removal fails with this error. */
  readonly removeFailures = new Map<string, Error>();
  containers: ContainerSummary[] = [];
  finishedAt = new Map<string, string>();
  /** Resolves pending pulls when set; pulls wait on it. */
  pullGate: Promise<void> | undefined;

  addImage(id: string, tags: string[], size = 100, created = 0): void {
    for (const tag of tags) this.#untag(tag);
    this.images.set(id, { id, tags: new Set(tags), size, created });
  }

  async pullImage(ref: string, auth: RegistryAuth | undefined, _options?: PullOptions): Promise<void> {
    const name = withDefaultTag(ref);
    this.calls.push(`pull ${name}`);
    this.pullAuth.push(auth);
    await this.pullGate;
    const failure = this.pullFailures.get(name)?.shift();
    if (failure) throw failure;
    const id = this.registry.get(name);
    if (!id) throw new Error(`manifest for ${name} not found`);
    const existing = this.images.get(id);
    this.#untag(name);
    if (existing) existing.tags.add(name);
    else this.images.set(id, { id, tags: new Set([name]), size: 100, created: 0 });
  }

  async inspectImage(ref: string): Promise<ImageInspectInfo> {
    this.calls.push(`inspect ${ref}`);
    const image = this.#find(ref);
    if (!image) throw new NoSuchImageError(ref);
    return { Id: image.id, RepoTags: [...image.tags], RepoDigests: [], Size: image.size } as unknown as ImageInspectInfo;
  }

  async listImages(): Promise<ImageSummary[]> {
    return [...this.images.values()].map(
      (image) => ({ Id: image.id, RepoTags: image.tags.size ? [...image.tags] : ['<none>:<none>'], Size: image.size, Created: image.created }) as unknown as ImageSummary,
    );
  }

  async removeImage(ref: string): Promise<void> {
    this.calls.push(`rmi ${ref}`);
    const failure = this.removeFailures.get(ref);
    if (failure) throw failure;
    const image = this.#find(ref);
    if (!image) throw new NoSuchImageError(ref);
    if (image.id === ref) {
      this.images.delete(image.id);
      return;
    }
    image.tags.delete(withDefaultTag(ref));
    if (image.tags.size === 0) this.images.delete(image.id);
  }

  async listContainers(): Promise<ContainerSummary[]> {
    return this.containers;
  }

  async inspectContainer(id: string): Promise<ContainerInspectInfo> {
    return { Id: id, State: { FinishedAt: this.finishedAt.get(id) ?? '0001-01-01T00:00:00Z' } } as unknown as ContainerInspectInfo;
  }

  async removeContainer(id: string): Promise<void> {
    this.calls.push(`rm ${id}`);
    this.containers = this.containers.filter((c) => c.Id !== id);
  }

  asClient(): DockerClient {
    return this as unknown as DockerClient;
  }

  #find(ref: string): FakeImage | undefined {
    if (this.images.has(ref)) return this.images.get(ref);
    const name = withDefaultTag(ref);
    return [...this.images.values()].find((image) => image.tags.has(name));
  }

  #untag(name: string): void {
    for (const image of this.images.values()) image.tags.delete(name);
  }
}
