// The task model (no I/O): statuses, Task and Container, ACS task -> model, model -> Docker create options.
export * from './container-status';
export * from './task-status';
export * from './health-status';
export type {
  ApplyingError,
  Container,
  ContainerDependency,
  ContainerMount,
  ContainerNetwork,
  ContainerType,
  DependencyCondition,
  DockerConfigStrings,
  MountPoint,
  PortBinding,
  PortMapping,
  TransportProtocol,
  VolumeFrom,
} from './container';
export * from './volume';
export * from './task';
export { TaskModelError, type ModelResult } from './task-model-error';
export { cryptoRandom, type RandomSource } from './random-source';
export { newDockerContainerName } from './docker-names';
export { taskFromAcs, type TaskDeliveryFacts, type TaskModelConfig } from './task-from-acs';
export { credentialsRelativeUri, CREDENTIALS_URI_ENV, METADATA_URI_V3_ENV, METADATA_URI_V4_ENV, TASK_METADATA_ADDRESS } from './agent-environment';
export { parseLink } from './container-link';
export { renderContainerCreateOptions, type RenderFacts } from './docker-create-options';
export { volumesToProvision, volumesMountedBy, sharedVolumeAction, type ExistingVolume, type ProvisionedVolume } from './volume-provisioning';
