// The task execution role at work: registry credentials from ECR and Secrets Manager, and container
// secrets from SSM Parameter Store and Secrets Manager, with the credentials ACS sends for the task.
export { serviceEndpoint, type ExecutionService } from './aws-endpoints';
export { sdkExecutionRoleApis, type AwsCallTarget, type EcrAuthorization, type ExecutionRoleApis } from './execution-role-apis';
export { executionTarget, type ExecutionCredentialsSource } from './execution-credentials';
export { RegistryCredentials, type RegistryCredentialsOptions } from './registry-credentials';
export { parseContainerSecret, parseSecretsManagerReference, type ContainerSecret, type SecretReference } from './secret-reference';
export { TaskSecrets, type TaskSecretsOptions } from './task-secrets';
