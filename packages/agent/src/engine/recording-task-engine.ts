import type { AcsTask } from '../wire';
import type { DesiredStatus, EngineTaskSummary, TaskDelivery, TaskEngine } from './task-engine';

export interface RecordedTask {
  readonly arn: string;
  readonly desiredStatus: DesiredStatus;
  /** The task as ACS last sent it. */
  readonly task: AcsTask;
  readonly seqNum: number | undefined;
}

const DESIRED: readonly string[] = ['RUNNING', 'STOPPED'];

/**
 * The first TaskEngine: it validates and records what ACS sends and runs nothing. The Docker task
 * engine replaces it; until then the agent acknowledges tasks it merely holds, which is what lets the
 * control plane and the tests see delivery end to end.
 */
export class RecordingTaskEngine implements TaskEngine {
  readonly #tasks = new Map<string, RecordedTask>();
  /** Every accepted delivery, in order (a task sent twice appears twice). */
  readonly deliveries: RecordedTask[] = [];

  async addTask(task: AcsTask, delivery: TaskDelivery): Promise<void> {
    if (!task.arn) throw new Error('task.arn: expected a task ARN, got nothing');
    if (!task.desiredStatus || !DESIRED.includes(task.desiredStatus)) {
      throw new Error(`task ${task.arn}: desiredStatus: expected RUNNING or STOPPED, got ${JSON.stringify(task.desiredStatus ?? null)}`);
    }
    const known = this.#tasks.get(task.arn);
    // Desired status only moves forward: a late RUNNING never revives a task told to stop.
    const desiredStatus: DesiredStatus = known?.desiredStatus === 'STOPPED' ? 'STOPPED' : (task.desiredStatus as DesiredStatus);
    const recorded: RecordedTask = { arn: task.arn, desiredStatus, task, seqNum: delivery.seqNum };
    this.#tasks.set(task.arn, recorded);
    this.deliveries.push(recorded);
  }

  listTasks(): readonly EngineTaskSummary[] {
    return [...this.#tasks.values()].map(({ arn, desiredStatus }) => ({ arn, desiredStatus }));
  }

  hasTask(arn: string): boolean {
    return this.#tasks.has(arn);
  }

  async stopTask(arn: string): Promise<void> {
    const known = this.#tasks.get(arn);
    if (!known) throw new Error(`task ${arn}: not known to the engine`);
    this.#tasks.set(arn, { ...known, desiredStatus: 'STOPPED' });
  }

  /** The recorded state of one task. */
  get(arn: string): RecordedTask | undefined {
    return this.#tasks.get(arn);
  }
}
