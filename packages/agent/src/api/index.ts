// The task model (no I/O): statuses, Task and Container, ACS task -> model, model -> Docker create options.
export * from './container-status';
export * from './task-status';
export * from './health-status';
export type * from './container';
export * from './volume';
export * from './task';
