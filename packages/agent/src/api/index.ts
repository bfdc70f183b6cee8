// The task model (no I/O): statuses, Task and Container, ACS task -> model, model -> Docker create options.
export * from './container-status';
export * from './task-status';
export * from './health-status';
export type * from './container';
export * from './volume';
export * from './task';
export { TaskModelError, type ModelResult } from './task-model-error';
export { cryptoRandom, type RandomSource } from './random-source';
export { newDockerContainerName } from './docker-names';
export {
  taskFromAcs,
  credentialsRelativeUri,
  parseLink,
  CREDENTIALS_URI_ENV,
  METADATA_URI_V3_ENV,
  METADATA_URI_V4_ENV,
  TASK_METADATA_ADDRESS,
  type TaskDeliveryFacts,
  type TaskModelConfig,
} from './task-from-acs';
