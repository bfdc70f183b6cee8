// Credentials: the agent's own (the SDK's default chain), task role credentials from ACS, and the
// instance metadata that yields region and identity document.
export { agentCredentials } from './agent-credentials';
export { imdsInstanceMetadata, unavailableInstanceMetadata, type InstanceIdentity, type InstanceMetadata } from './instance-metadata';
export { TaskCredentialsStore, type RoleType, type TaskRoleCredentials } from './task-credentials-store';
