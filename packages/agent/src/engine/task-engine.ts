import type { AcsTask } from '../wire';

export type DesiredStatus = 'RUNNING' | 'STOPPED';

/** What the ACS handlers need to know about a task the engine holds. */
export interface EngineTaskSummary {
  readonly arn: string;
  readonly desiredStatus: DesiredStatus;
}

/** Context ACS gives with a task. */
export interface TaskDelivery {
  /** seqNum of the PayloadMessage (start/stop ordering). */
  readonly seqNum?: number;
  /** messageId of the PayloadMessage, for the log. */
  readonly messageId: string;
}

/**
 * The task engine as ACS sees it. `addTask` takes a task from a payload (a new task, or a new desired
 * status for a known one) and resolves once the engine owns it; it rejects with an error naming the
 * field when it cannot, and the payload then goes unacknowledged so ACS delivers it again.
 */
export interface TaskEngine {
  addTask(task: AcsTask, delivery: TaskDelivery): Promise<void>;
  /** Every task with its desired status (task manifests compare against it). */
  listTasks(): readonly EngineTaskSummary[];
  hasTask(arn: string): boolean;
  /** A stop ACS confirmed (TaskStopVerificationAck): the task's desired status becomes STOPPED. */
  stopTask(arn: string): Promise<void>;
}
