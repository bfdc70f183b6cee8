import type { Clock } from '@fractal-ecs/common';
import type { DockerEvent, EventSubscription, EventSubscriptionOptions } from './docker-events';
import { parseContainerEvent } from './events-parser';

/** Opens GET /events (container events only), from `since` ("<seconds>.<nanoseconds>") when given. */
export type OpenEventStream = (since: string | undefined, signal: AbortSignal) => Promise<NodeJS.ReadableStream>;

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * A container-event subscription that outlives its HTTP stream: when the stream ends or breaks it
 * reopens it from the last event seen (Docker replays what it still holds, inclusively, so events at
 * that very nanosecond are de-duplicated), then tells the listener it resumed so it can re-inspect.
 */
export class ReconnectingEventStream implements EventSubscription {
  readonly #abort = new AbortController();
  /** Resolves once the first stream is open: events from then on are delivered. */
  readonly ready: Promise<void>;
  #lastNano: bigint | undefined;
  /** Keys of the events delivered at #lastNano. */
  #deliveredAtLast = new Set<string>();

  constructor(
    private readonly open: OpenEventStream,
    private readonly listener: (event: DockerEvent) => void,
    private readonly clock: Clock,
    private readonly options: EventSubscriptionOptions = {},
  ) {
    let markReady!: () => void;
    this.ready = new Promise((resolve) => (markReady = resolve));
    void this.#run(markReady);
  }

  close(): void {
    this.#abort.abort();
  }

  async #run(markReady: () => void): Promise<void> {
    const signal = this.#abort.signal;
    let failures = 0;
    let lastCause: Error | undefined;
    while (!signal.aborted) {
      let stream: NodeJS.ReadableStream;
      try {
        stream = await this.open(this.#since(), signal);
      } catch (error) {
        if (signal.aborted) return;
        this.#report(asError(error));
        await this.clock.sleep(Math.min(FIRST_RETRY_MS * 2 ** failures++, MAX_RETRY_MS), signal);
        continue;
      }
      failures = 0;
      markReady();
      if (lastCause) this.#deliver({ kind: 'resumed', cause: lastCause });
      lastCause = await this.#consume(stream);
      if (signal.aborted) return;
      this.#report(lastCause);
    }
  }

  /** Delivers the stream's events; returns why it ended. */
  async #consume(stream: NodeJS.ReadableStream): Promise<Error> {
    let pending = '';
    try {
      for await (const chunk of stream) {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) this.#handleLine(line);
      }
      return new Error('Docker closed the event stream');
    } catch (error) {
      return asError(error);
    }
  }

  #handleLine(line: string): void {
    const event = parseContainerEvent(line);
    if (!event) return;
    const key = `${event.id} ${event.action} ${event.health ?? ''}`;
    if (this.#lastNano !== undefined) {
      if (event.timeNano < this.#lastNano) return;
      if (event.timeNano === this.#lastNano && this.#deliveredAtLast.has(key)) return;
    }
    if (event.timeNano !== this.#lastNano) {
      this.#lastNano = event.timeNano;
      this.#deliveredAtLast = new Set();
    }
    this.#deliveredAtLast.add(key);
    this.#deliver(event);
  }

  #deliver(event: DockerEvent): void {
    try {
      this.listener(event);
    } catch (error) {
      this.#report(new Error(`Docker event listener failed on ${event.kind} event`, { cause: error }));
    }
  }

  #since(): string | undefined {
    if (this.#lastNano === undefined) return undefined;
    const seconds = this.#lastNano / 1_000_000_000n;
    const nanos = this.#lastNano % 1_000_000_000n;
    return `${seconds}.${nanos.toString().padStart(9, '0')}`;
  }

  #report(error: Error): void {
    this.options.onStreamError?.(error);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
