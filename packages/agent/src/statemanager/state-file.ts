import { open, mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';

/** Upstream's legacy checkpoint name in ECS_DATADIR; the layout inside follows its `{Data, Version}` envelope. */
export const STATE_FILE_NAME = 'ecs_agent_data.json';
/** The schema version this agent writes; a newer file is refused rather than misread. */
export const STATE_FILE_VERSION = 31;

/** What is wrong with a state file, naming the file; the file has been moved to `movedTo`. */
export class CorruptStateFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly movedTo: string | undefined,
  ) {
    super(`agent state file ${file}: ${problem}${movedTo ? `; kept aside as ${movedTo}` : ''}`);
  }
}

/**
 * One JSON file replaced atomically: written to a temporary file, fsynced, renamed over the old one and
 * the directory fsynced, so a crash leaves either the old or the new checkpoint, never half of one.
 */
export class StateFile {
  readonly file: string;

  constructor(
    readonly dataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = path.join(dataDir, STATE_FILE_NAME);
  }

  /**
   * The saved `Data` object, or undefined when there is none. A file that cannot be parsed is moved
   * aside (`<name>.corrupt-<time>`) and reported with CorruptStateFileError, so it is never overwritten.
   */
  async load(): Promise<Record<string, unknown> | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`cannot read the agent state file ${this.file}: ${(error as Error).message}`);
    }
    const problem = checkEnvelope(text);
    if (typeof problem === 'string') {
      const movedTo = `${this.file}.corrupt-${this.now().toISOString().replace(/[:.]/g, '-')}`;
      const moved = await rename(this.file, movedTo).then(
        () => movedTo,
        () => undefined,
      );
      throw new CorruptStateFileError(this.file, problem, moved);
    }
    return problem;
  }

  async save(data: Record<string, unknown>): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    const temporary = `${this.file}.tmp`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify({ Data: data, Version: STATE_FILE_VERSION }));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.file);
    const directory = await open(this.dataDir, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}

/** The `Data` object of a well-formed file, or a sentence saying what is wrong with it. */
function checkEnvelope(text: string): Record<string, unknown> | string {
  if (text.trim() === '') return 'the file is empty';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `expected JSON, got ${JSON.stringify(text.slice(0, 60))}… (${(error as Error).message})`;
  }
  if (!isRecord(value)) return `expected a JSON object with Data and Version, got ${JSON.stringify(value).slice(0, 60)}`;
  const version = value.Version;
  if (typeof version !== 'number' || !Number.isInteger(version)) return `Version: expected an integer, got ${JSON.stringify(version ?? null)}`;
  if (version > STATE_FILE_VERSION) return `Version: ${version} is newer than this agent's ${STATE_FILE_VERSION}`;
  if (!isRecord(value.Data)) return `Data: expected an object, got ${JSON.stringify(value.Data ?? null).slice(0, 60)}`;
  return value.Data;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
