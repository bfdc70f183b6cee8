// State changes to ECS: per-task FIFO queues of SubmitTaskStateChange with retries and backoff.
export { sdkStateChangeApi, isInvalidParameter, type StateChangeApi } from './state-change-api';
export { TaskStateReporter, DEFAULT_REPORTER_BACKOFF, type PendingStateChange, type ReporterBackoff, type TaskStateReporterOptions } from './task-state-reporter';
