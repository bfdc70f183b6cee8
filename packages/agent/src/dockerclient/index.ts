// The agent's Docker layer: the DockerClient interface the engine uses, its dockerode adapter,
// typed events and errors, and upstream's per-call deadlines.
export type {
  CallOptions,
  ContainerCreateOptions,
  ContainerInspectInfo,
  ContainerStats,
  ContainerSummary,
  DockerClient,
  DockerVersion,
  DockerSystemInfo,
  ImageInspectInfo,
  ImageSummary,
  ListContainersOptions,
  ListImagesOptions,
  PullOptions,
  RegistryAuth,
  StopContainerResult,
  VolumeCreateOptions,
  VolumeInspectInfo,
} from './docker-client';
export {
  CONTAINER_ACTIONS,
  type ContainerAction,
  type ContainerEvent,
  type DockerEvent,
  type EventSubscription,
  type EventSubscriptionOptions,
  type HealthStatus,
  type StreamResumedEvent,
} from './docker-events';
export {
  CannotPullContainerError,
  DockerError,
  DockerOperationError,
  DockerTimeoutError,
  NoSuchContainerError,
  NoSuchImageError,
  NoSuchVolumeError,
  type DockerOperation,
} from './docker-errors';
export { DOCKER_TIMEOUTS } from './docker-timeouts';
export { parseContainerEvent } from './events-parser';
export { DockerodeDockerClient, type DockerodeClientOptions } from './dockerode-docker-client';
export { parseImageRef, withDefaultTag, type ImageRef } from './image-ref';
