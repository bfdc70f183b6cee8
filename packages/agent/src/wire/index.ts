// The wire formats of ACS, TCS and the ECS API: the only place their field names are spelled.
// Data only (no I/O), so the agent and the local control plane share it.
export * from './acs';
export * from './tcs';
export * from './ecs';
export type { IntrospectionContainer, IntrospectionTask } from './introspection';
export { encodeFrame, readErrorMap, type Catalog, type FrameOf, type ParseResult, type WireError } from './envelope';
export { describeIssue, type Issue } from './schema';
export type * from './metadata';
