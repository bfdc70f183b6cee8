// The ECS container agent as a library: the process (runAgent) and the pieces tests and the local
// control plane reuse. The wire formats are their own entry point (@fractal-ecs/agent/wire).
export { runAgent, ExitCode, type AgentRuntime, type InstanceStateStore, type SavedInstance, checkpointInstanceStore } from './app';
export { RecordingTaskEngine, type TaskEngine, type EngineTaskSummary, type TaskDelivery, type RecordedTask } from './engine';
export { emptyTelemetrySource, DEFAULT_TCS_TIMINGS, type TelemetrySource, type TcsTimings } from './tcs';
export { DEFAULT_ACS_TIMINGS, type AcsTimings } from './acs';
export { loadAgentConfig, type AgentConfig } from './config';
