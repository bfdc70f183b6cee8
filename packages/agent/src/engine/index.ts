// The task engine: ACS hands tasks to a TaskEngine. DockerTaskEngine runs them on Docker (a planner
// and executor per task, state changes to ECS, checkpointing); the recording engine stands in for
// tests that only need delivery.
export type { DesiredStatus, EngineTaskSummary, TaskDelivery, TaskEngine } from './task-engine';
export { RecordingTaskEngine, type RecordedTask } from './recording-task-engine';
export { DockerTaskEngine, type DockerTaskEngineOptions, type TaskModel } from './docker-task-engine';
export { createDockerTaskEngine, type EngineDependencies } from './create-engine';
export { engineSettings, STEADY_STATE_INSPECT_MS, DRAIN_INTERVAL_MS } from './engine-settings';
export type { EngineSettings, TaskImages, PullOutcome, ContainerRenderer, ContainerResources } from './engine-context';
export { planTask, stopTimeoutSeconds, type Plan, type PlanOptions, type Step } from './planner';
