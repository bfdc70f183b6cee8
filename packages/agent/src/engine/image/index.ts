// The engine's images: pulls per ECS_IMAGE_PULL_BEHAVIOR with registry auth, image-state tracking and
// the image cleanup loop.
export { DockerImageManager, DEFAULT_PROTECTED_IMAGES, PULL_RETRY, type ImageManagerOptions, type ImagePullOutcome } from './docker-image-manager';
export { EngineRegistryAuth, EngineAuthError } from './registry-auth';
export type { CleanupReport } from './image-cleanup';
export type { ImageStateJson } from './image-states';
