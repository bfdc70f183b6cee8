import type Dockerode from 'dockerode';
import type { DockerEvent, EventSubscription, EventSubscriptionOptions } from './docker-events';

// The Engine API as the agent uses it: the only place outside the adapter that names Docker
// operations. Options and answers are dockerode's types (the Engine API's own JSON shapes), so the
// engine builds the exact Config/HostConfig upstream sends. Every call has a deadline: `timeoutMs`
// (upstream's per-call timeout, DOCKER_TIMEOUTS by default) and/or an AbortSignal from the caller.
// Failures are DockerError subclasses (docker-errors.ts); a deadline gives DockerTimeoutError.

export type ContainerCreateOptions = Dockerode.ContainerCreateOptions;
export type ContainerInspectInfo = Dockerode.ContainerInspectInfo;
export type ContainerSummary = Dockerode.ContainerInfo;
export type ImageInspectInfo = Dockerode.ImageInspectInfo;
export type ImageSummary = Dockerode.ImageInfo;
export type VolumeCreateOptions = Dockerode.VolumeCreateOptions;
export type VolumeInspectInfo = Dockerode.VolumeInspectInfo;
export type ContainerStats = Dockerode.ContainerStats;
export type DockerVersion = Dockerode.DockerVersion;
/** The parts of GET /info the agent reads. */
export interface DockerSystemInfo {
  /** `cgroupfs` or `systemd`: how a CgroupParent must be spelled. */
  readonly CgroupDriver?: string;
  /** `1` or `2` (API 1.40+). */
  readonly CgroupVersion?: string;
  /** e.g. `name=seccomp,profile=default`, `name=selinux`: a bind into a container needs `:Z` under SELinux. */
  readonly SecurityOptions?: readonly string[];
}

export interface CallOptions {
  /** Deadline of the call; the operation's upstream default when omitted. */
  readonly timeoutMs?: number;
  /** Cancels the call (reported as the signal's reason). */
  readonly signal?: AbortSignal;
}

/** Registry credentials for one pull (sent as X-Registry-Auth). Never logged. */
export interface RegistryAuth {
  readonly username?: string;
  readonly password?: string;
  readonly email?: string;
  readonly serveraddress?: string;
  /** An identity token instead of username/password. */
  readonly identitytoken?: string;
}

export interface PullOptions {
  /** Overall deadline (ECS_IMAGE_PULL_TIMEOUT). */
  readonly timeoutMs?: number;
  /** Longest silence of the progress stream (ECS_IMAGE_PULL_INACTIVITY_TIMEOUT). */
  readonly inactivityTimeoutMs?: number;
  /** Deadline of the first progress message (upstream's pull-begin timeout, 5m). */
  readonly beginTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface ListContainersOptions extends CallOptions {
  /** Include stopped containers. */
  readonly all?: boolean;
  /** Label filters: `key` (present) or `key=value`, all of which must match. */
  readonly labels?: readonly string[];
}

export interface ListImagesOptions extends CallOptions {
  /** Include intermediate images. */
  readonly all?: boolean;
  readonly labels?: readonly string[];
  /** Docker's `reference` filter, e.g. `busybox:latest` or `127.0.0.1:51670/busybox`. */
  readonly reference?: string;
}

export interface StopContainerResult {
  /** False when the container was not running (Docker answered 304). */
  readonly wasRunning: boolean;
}

export interface DockerClient {
  /** GET /_ping: the daemon answers. */
  ping(options?: CallOptions): Promise<void>;
  version(options?: CallOptions): Promise<DockerVersion>;
  /** GET /info. */
  info(options?: CallOptions): Promise<DockerSystemInfo>;

  /** POST /containers/create?name=; returns the new container's ID. Default deadline: 4m. */
  createContainer(name: string, options: ContainerCreateOptions, call?: CallOptions): Promise<string>;
  /** Default deadline: 3m. A container already running is not an error. */
  startContainer(id: string, call?: CallOptions): Promise<void>;
  /**
   * POST /containers/<id>/stop?t=<timeoutSeconds>: SIGTERM (or the image's StopSignal), then SIGKILL
   * after the timeout. The call's own deadline is timeoutSeconds + 30s unless given.
   */
  stopContainer(id: string, timeoutSeconds: number, call?: CallOptions): Promise<StopContainerResult>;
  /** DELETE /containers/<id>?v=1 (anonymous volumes too). `force` kills a running one first. */
  removeContainer(id: string, call?: CallOptions & { readonly force?: boolean }): Promise<void>;
  /** Default deadline: 30s. A missing container gives NoSuchContainerError. */
  inspectContainer(id: string, call?: CallOptions): Promise<ContainerInspectInfo>;
  listContainers(options?: ListContainersOptions): Promise<ContainerSummary[]>;
  /** One stats sample (stream=false), for the stats fallback. */
  containerStats(id: string, call?: CallOptions): Promise<ContainerStats>;

  /**
   * Subscribes to container events. The subscription reconnects by itself when the stream drops,
   * replays what Docker still holds from the last event seen, and then delivers a `resumed` event.
   */
  subscribeEvents(listener: (event: DockerEvent) => void, options?: EventSubscriptionOptions): EventSubscription;

  /**
   * POST /images/create: pulls `ref` (`:latest` added when it has no tag or digest). Resolves once the
   * progress stream ends without an error; a registry error gives CannotPullContainerError naming the
   * image, a deadline DockerTimeoutError.
   */
  pullImage(ref: string, auth: RegistryAuth | undefined, options?: PullOptions): Promise<void>;
  /** A missing image gives NoSuchImageError. */
  inspectImage(ref: string, call?: CallOptions): Promise<ImageInspectInfo>;
  listImages(options?: ListImagesOptions): Promise<ImageSummary[]>;
  /** DELETE /images/<ref> (untags a name; deletes the image with its last name). Missing: NoSuchImageError. */
  removeImage(ref: string, call?: CallOptions & { readonly force?: boolean }): Promise<void>;

  createVolume(options: VolumeCreateOptions, call?: CallOptions): Promise<VolumeInspectInfo>;
  /** A missing volume gives NoSuchVolumeError. */
  inspectVolume(name: string, call?: CallOptions): Promise<VolumeInspectInfo>;
  removeVolume(name: string, call?: CallOptions): Promise<void>;
}
