// The control plane's whole state lives in one JSON file under the data directory. Every change is
// written before the request that made it is answered: to a temporary file that is flushed and then
// renamed over the old one, so a crash leaves either the old or the new state, never half of one.
// Writes are serialized; changes that arrive while a write is running share the next one.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';

export class JsonFileStore<T> {
  private writing: Promise<void> = Promise.resolve();
  private pending: Promise<void> | undefined;

  constructor(
    readonly file: string,
    private readonly snapshot: () => T,
  ) {}

  /** The saved state, or undefined when there is none yet. A corrupt file is an error naming it. */
  async load(): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`state file ${this.file} is not valid JSON (${(error as Error).message}); move it away to start empty`);
    }
  }

  /** Resolves once a write that includes every change made before this call is on disk. */
  save(): Promise<void> {
    if (this.pending) return this.pending;
    const next = this.writing.then(() => {
      this.pending = undefined;
      return this.write(JSON.stringify(this.snapshot()));
    });
    this.pending = next;
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async write(text: string): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.file);
  }
}
