// Emulated ECR, SSM Parameter Store and Secrets Manager for tasks' execution roles.
export { EmulatedSecretServices, type EcrRegistryLogin, type SecretValues } from './emulated-secret-services';
export { parseEcrRegistry, parseSecretValues } from './secret-values-file';
