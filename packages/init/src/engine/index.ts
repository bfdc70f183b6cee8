export {
  Engine,
  AgentExitCode,
  type EngineDeps,
  type LoopbackRoutingControl,
  type RouterAdvertisementsControl,
  type CredentialsProxyRouteControl,
} from './engine';
export { TerminalError } from './errors';
export { buildAgentContainer, agentEnv, agentHostConfig, agentBinds, supportsInit, type AgentContainerInput } from './agent-container';
export { VERBS, findVerb, runVerb, usageText, versionLine, ExitCode, type Verb } from './verbs';
export { probeHost, detailedOsFamily, ebsMountDir, type HostFacts } from './host-facts';
