// The task engine seam: ACS hands tasks to a TaskEngine. The recording engine stands in until the
// Docker task engine lands.
export type { DesiredStatus, EngineTaskSummary, TaskDelivery, TaskEngine } from './task-engine';
export { RecordingTaskEngine, type RecordedTask } from './recording-task-engine';
