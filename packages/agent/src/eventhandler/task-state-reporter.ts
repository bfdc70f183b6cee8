import type { Clock, Logger } from '@fractal-ecs/common';
import type { SubmitTaskStateChangeRequest } from '../wire';
import { isInvalidParameter, type StateChangeApi } from './state-change-api';

/** One state change waiting to reach ECS, built by the engine from a task's state at the time. */
export interface PendingStateChange {
  readonly taskArn: string;
  readonly request: SubmitTaskStateChangeRequest;
  /** True when everything in it was already reported (e.g. by an earlier change, or before a restart). */
  isRedundant(): boolean;
  /** Records the sent statuses and checkpoints them; runs once, after ECS accepted the change. */
  markSent(): Promise<void>;
}

export interface ReporterBackoff {
  minMs: number;
  maxMs: number;
  multiple: number;
  jitter: number;
}

/** Upstream's event handler numbers: 1 s → 30 s, ×1.3, jitter 0.2; ten submissions at a time. */
export const DEFAULT_REPORTER_BACKOFF: ReporterBackoff = { minMs: 1_000, maxMs: 30_000, multiple: 1.3, jitter: 0.2 };
export const MAX_CONCURRENT_SUBMISSIONS = 10;

export interface TaskStateReporterOptions {
  api: StateChangeApi;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  backoff?: ReporterBackoff;
  concurrency?: number;
}

/**
 * One FIFO queue per task, one sender per queue: the head change is submitted until ECS accepts it
 * (with backoff), then the next. Queues of different tasks run in parallel behind a semaphore. A
 * change found redundant when its turn comes is dropped, so nothing is sent twice after a restart
 * re-emits what the checkpoint says is unsent.
 */
export class TaskStateReporter {
  readonly #queues = new Map<string, PendingStateChange[]>();
  readonly #waiting: (() => void)[] = [];
  #active = 0;
  readonly #stop = new AbortController();
  readonly #idle = new Set<() => void>();

  constructor(private readonly options: TaskStateReporterOptions) {}

  submit(change: PendingStateChange): void {
    const queue = this.#queues.get(change.taskArn);
    if (queue) {
      queue.push(change);
      return;
    }
    this.#queues.set(change.taskArn, [change]);
    void this.#drain(change.taskArn);
  }

  /** Tasks with changes not yet accepted by ECS. */
  pendingTasks(): string[] {
    return [...this.#queues.keys()];
  }

  /** Resolves when every queue is empty. */
  whenIdle(): Promise<void> {
    if (this.#queues.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.add(resolve));
  }

  /** Stops retrying; unsent changes stay unsent in the checkpoint and are re-emitted on the next start. */
  close(): void {
    this.#stop.abort();
  }

  async #drain(taskArn: string): Promise<void> {
    const queue = this.#queues.get(taskArn)!;
    try {
      while (queue.length > 0 && !this.#stop.signal.aborted) {
        const change = queue[0]!;
        await this.#deliver(change);
        queue.shift();
      }
    } finally {
      this.#queues.delete(taskArn);
      if (this.#queues.size === 0) {
        for (const resolve of this.#idle) resolve();
        this.#idle.clear();
      }
    }
  }

  async #deliver(change: PendingStateChange): Promise<void> {
    const backoff = this.options.backoff ?? DEFAULT_REPORTER_BACKOFF;
    const random = this.options.random ?? Math.random;
    let delay = backoff.minMs;
    for (;;) {
      if (this.#stop.signal.aborted) return;
      if (change.isRedundant()) return;
      await this.#acquire();
      let error: unknown;
      try {
        await this.options.api.submitTaskStateChange(change.request);
        error = undefined;
      } catch (caught) {
        error = caught;
      } finally {
        this.#release();
      }
      if (error === undefined) {
        this.options.logger.info(describe(change.request), 'Task state change submitted');
        // Not recording it only means it may be sent again after a restart, never that it is lost.
        await change.markSent().catch((failure: Error) => this.options.logger.error({ ...describe(change.request), err: failure.message }, 'Cannot record the sent state change'));
        return;
      }
      if (isInvalidParameter(error)) {
        this.options.logger.error({ ...describe(change.request), err: (error as Error).message }, 'ECS refused the task state change; dropping it');
        return;
      }
      const wait = Math.round(delay + random() * delay * backoff.jitter);
      this.options.logger.warn({ ...describe(change.request), err: (error as Error).message, retryInMs: wait }, 'Task state change not submitted; retrying');
      await this.options.clock.sleep(wait, this.#stop.signal);
      delay = Math.min(backoff.maxMs, delay * backoff.multiple);
    }
  }

  #acquire(): Promise<void> {
    if (this.#active < (this.options.concurrency ?? MAX_CONCURRENT_SUBMISSIONS)) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(() => resolve()));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }
}

function describe(request: SubmitTaskStateChangeRequest): Record<string, unknown> {
  return {
    taskArn: request.task,
    status: request.status,
    containers: (request.containers ?? []).map((container) => `${container.containerName}:${container.status}`).join(','),
  };
}
