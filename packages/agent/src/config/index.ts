export type {
  AgentConfig,
  AwsSettings,
  AwsStaticCredentials,
  AwsvpcSettings,
  CapabilitySettings,
  ClusterSettings,
  ContainerSettings,
  DefaultedBoolean,
  DockerSettings,
  EndpointSettings,
  EngineAuthType,
  FractalDeviceProvider,
  FractalSettings,
  ImageCleanupSettings,
  ImagePullBehavior,
  ImageSettings,
  LoggingDriver,
  LoggingSettings,
  LogLevel,
  LogOutputFormat,
  LogRollover,
  MetricsSettings,
  PropagateTagsFrom,
  ResourceSettings,
  StateSettings,
  TaskIamSettings,
  TaskSettings,
  UpdateSettings,
} from './agent-config';
export { loadAgentConfig, type AgentConfigSources, type LoadedAgentConfig } from './load-config';
export { AgentConfigError } from './config-error';
export { readConfigFileFromDisk, type ConfigFileReader } from './config-file';
export { toLoggable } from './loggable';
export { Secret } from './secret';
export { parseAgentFlags, AGENT_FLAGS_USAGE, type AgentFlags, type AgentFlagsResult } from './flags';
export {
  AGENT_CREDENTIALS_PORT,
  AGENT_INTROSPECTION_PORT,
  AGENT_PROMETHEUS_PORT,
  DEFAULT_CLUSTER_NAME,
  DEFAULT_CONFIG_FILE_PATH,
} from './defaults';
