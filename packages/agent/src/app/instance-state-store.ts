import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What the agent must remember to come back as the same container instance. */
export interface SavedInstance {
  readonly cluster: string;
  readonly containerInstanceArn: string;
  readonly ec2InstanceId?: string;
  readonly availabilityZone?: string;
}

/**
 * Where the registration survives restarts. A small file for now; the checkpoint subsystem (agent
 * database and task state) replaces the implementation behind this interface.
 */
export interface InstanceStateStore {
  load(): Promise<SavedInstance | undefined>;
  save(instance: SavedInstance): Promise<void>;
}

/** ECS_CHECKPOINT off: upstream registers a new container instance on every start. */
export const noInstanceStateStore: InstanceStateStore = {
  load: async () => undefined,
  save: async () => undefined,
};

export const INSTANCE_STATE_FILE = 'ecs_agent_instance.json';

/** `<ECS_DATADIR>/ecs_agent_instance.json`, replaced atomically (write, then rename). */
export function fileInstanceStateStore(dataDir: string): InstanceStateStore {
  const file = path.join(dataDir, INSTANCE_STATE_FILE);
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new Error(`cannot read the agent state file ${file}: ${(error as Error).message}`);
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new Error(`agent state file ${file}: expected JSON, got ${JSON.stringify(text.slice(0, 100))} (${(error as Error).message})`);
      }
      return readSavedInstance(value, file);
    },
    async save(instance) {
      await mkdir(dataDir, { recursive: true });
      const temporary = `${file}.tmp`;
      await writeFile(temporary, `${JSON.stringify(instance, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, file);
    },
  };
}

function readSavedInstance(value: unknown, file: string): SavedInstance {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  for (const field of ['cluster', 'containerInstanceArn'] as const) {
    if (typeof record[field] !== 'string' || record[field] === '') {
      throw new Error(`agent state file ${file}: ${field}: expected a non-empty string, got ${JSON.stringify(record[field] ?? null)}`);
    }
  }
  return {
    cluster: record.cluster as string,
    containerInstanceArn: record.containerInstanceArn as string,
    ...(typeof record.ec2InstanceId === 'string' ? { ec2InstanceId: record.ec2InstanceId } : {}),
    ...(typeof record.availabilityZone === 'string' ? { availabilityZone: record.availabilityZone } : {}),
  };
}
