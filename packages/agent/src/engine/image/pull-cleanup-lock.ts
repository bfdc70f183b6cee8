/**
 * Pulls share the lock; an image cleanup cycle holds it alone, so an image is never deleted while a
 * pull of it runs (upstream's imagePullLock). A waiting cleanup holds back new pulls.
 */
export class PullCleanupLock {
  #pulls = 0;
  #cleanup: Promise<void> | undefined;
  #onDrained: (() => void) | undefined;

  async shared<T>(operation: () => Promise<T>): Promise<T> {
    while (this.#cleanup) await this.#cleanup;
    this.#pulls++;
    try {
      return await operation();
    } finally {
      if (--this.#pulls === 0) this.#onDrained?.();
    }
  }

  async exclusive<T>(operation: () => Promise<T>): Promise<T> {
    while (this.#cleanup) await this.#cleanup;
    let release!: () => void;
    this.#cleanup = new Promise((resolve) => (release = resolve));
    try {
      if (this.#pulls > 0) await new Promise<void>((resolve) => (this.#onDrained = resolve));
      return await operation();
    } finally {
      this.#onDrained = undefined;
      this.#cleanup = undefined;
      release();
    }
  }
}
