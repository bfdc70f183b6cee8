/**
 * The seqNum rule (upstream's sequential wait group): a task told to stop by payload N is registered;
 * a task started by payload M waits until every registered stop with a number <= M is done, so the
 * ports and memory of replaced tasks are free before their replacements start.
 */
export class StopSequence {
  readonly #pending = new Map<number, number>();
  #waiters: { upTo: number; resolve: () => void }[] = [];

  register(seqNum: number): void {
    this.#pending.set(seqNum, (this.#pending.get(seqNum) ?? 0) + 1);
  }

  done(seqNum: number): void {
    const count = this.#pending.get(seqNum);
    if (count === undefined) return;
    if (count > 1) this.#pending.set(seqNum, count - 1);
    else this.#pending.delete(seqNum);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.#blocks(waiter.upTo)) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves once no registered stop numbered <= seqNum is outstanding. */
  waitFor(seqNum: number): Promise<void> {
    if (!this.#blocks(seqNum)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ upTo: seqNum, resolve }));
  }

  #blocks(upTo: number): boolean {
    for (const seqNum of this.#pending.keys()) if (seqNum <= upTo) return true;
    return false;
  }
}
