// Typed Docker container events, as the engine consumes them.

/** Container actions the engine acts on; Docker's other actions (attach, exec_*, rename...) are dropped. */
export const CONTAINER_ACTIONS = ['create', 'start', 'restart', 'stop', 'kill', 'die', 'oom', 'destroy', 'pause', 'unpause', 'health_status'] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

export interface ContainerEvent {
  readonly kind: 'container';
  readonly action: ContainerAction;
  /** Full container ID. */
  readonly id: string;
  /** When the daemon emitted it (from timeNano, millisecond resolution). */
  readonly time: Date;
  /** Docker's timeNano, exact: the stream resumes from it after a reconnect. */
  readonly timeNano: bigint;
  /** `die` only: the exit code Docker put in the event. */
  readonly exitCode?: number;
  /** `kill` only: the signal number. */
  readonly signal?: number;
  /** `health_status` only. */
  readonly health?: HealthStatus;
  /** The event's attributes: the container's labels, plus `name` and `image`. */
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * The stream dropped and is back. Events Docker still held were replayed from the last one seen, but
 * anything older may be lost: whoever tracks containers re-inspects them now.
 */
export interface StreamResumedEvent {
  readonly kind: 'resumed';
  /** The error that ended the previous stream. */
  readonly cause: Error;
}

export type DockerEvent = ContainerEvent | StreamResumedEvent;

export interface EventSubscription {
  /** Resolves once the first stream is open: events from then on are delivered. */
  readonly ready: Promise<void>;
  /** Ends the stream for good; no more events or reconnects. */
  close(): void;
}

export interface EventSubscriptionOptions {
  /** Called when a stream breaks and each time a reconnect fails; the subscription keeps trying. */
  onStreamError?(error: Error): void;
}
