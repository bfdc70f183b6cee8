// Per-call deadlines of upstream's Docker client (agent/dockerclient/timeout.go), in milliseconds.
// Create and start come from ECS_CONTAINER_CREATE_TIMEOUT / ECS_CONTAINER_START_TIMEOUT and stop from
// the container's stop timeout; the engine passes those. These are the fixed ones.
export const DOCKER_TIMEOUTS = {
  /** Default ECS_CONTAINER_CREATE_TIMEOUT. */
  createContainer: 4 * 60_000,
  /** Default ECS_CONTAINER_START_TIMEOUT (Linux). */
  startContainer: 3 * 60_000,
  /** Added to the container's stop timeout: the API call may take that long after SIGKILL. */
  stopContainerExtra: 30_000,
  inspectContainer: 30_000,
  removeContainer: 5 * 60_000,
  listContainers: 10 * 60_000,
  listImages: 10 * 60_000,
  inspectImage: 30_000,
  removeImage: 3 * 60_000,
  volume: 5 * 60_000,
  version: 10_000,
  /** A pull attempt must produce its first progress message within this. */
  pullBegin: 5 * 60_000,
  /** Default ECS_IMAGE_PULL_INACTIVITY_TIMEOUT. */
  pullInactivity: 60_000,
  /** Default ECS_IMAGE_PULL_TIMEOUT. */
  pull: 2 * 60 * 60_000,
  /** A one-shot stats read. */
  stats: 18_000,
} as const;
