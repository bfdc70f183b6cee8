// The agent process: startup sequence, exit codes, health check and license.
export { runAgent, type AgentRuntime } from './run-agent';
export { ExitCode } from './exit-codes';
export { runHealthcheck } from './healthcheck';
export { LICENSE_TEXT } from './license';
export { checkpointInstanceStore, type InstanceStateStore, type SavedInstance } from './instance-state-store';
export { systemHostFacts, type HostFacts } from './host-facts';
export { createAgentLogger } from './agent-logger';
