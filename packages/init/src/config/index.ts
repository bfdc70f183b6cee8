export type { InitSettings, AgentLogConfig } from './settings';
export {
  readInitSettings,
  unixPath,
  DEFAULT_AGENT_IMAGE,
  DEFAULT_AGENT_CONTAINER_NAME,
  DEFAULT_DOCKER_SOCKET,
  DEFAULT_CREDENTIALS_FETCHER_SOCKET,
} from './read-settings';
export { parseEcsConfig, readEcsConfigFile, loadEcsConfigFiles, type EnvMap } from './env-file';
export { parseAgentLabels } from './labels';
export { agentLogConfig, SUPPORTED_LOG_DRIVERS } from './log-config';
export { isValidInterfaceName } from './interface-name';
