/**
 * Runs jobs one after another in arrival order (upstream gives each ACS handler its own channel so
 * payloads are processed strictly in order while heartbeats are never stuck behind them).
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (error: unknown) => void) {}

  push(job: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(job).catch(this.onError);
    this.#tail = run;
    return run;
  }
}
