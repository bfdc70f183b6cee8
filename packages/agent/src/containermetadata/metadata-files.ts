// Writes, rewrites and removes the container metadata files, atomically (a temp file renamed over).
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Task } from '../api';
import type { ContainerInspectInfo } from '../dockerclient';
import {
  initialMetadata,
  metadataDirectory,
  metadataMount,
  METADATA_FILE_NAME,
  readyMetadata,
  renderMetadataFile,
  taskMetadataDirectory,
  type InstanceFacts,
} from './metadata-file';

export interface ContainerMetadataOptions {
  /** ECS_DATADIR (inside the agent). */
  readonly dataDir: string;
  /** ECS_HOST_DATA_DIR (the same directory's parent on the host, as ecs-init mounts it). */
  readonly dataDirOnHost: string;
  /** Read at each write: the instance ARN and zone are known only after registration. */
  readonly facts: () => InstanceFacts;
  readonly randomUuid?: () => string;
}

/** What the engine adds to a container's create options. */
export interface MetadataMount {
  /** Appended to HostConfig.Binds. */
  readonly bind: string;
  /** Appended to Config.Env (`ECS_CONTAINER_METADATA_FILE=...`). */
  readonly env: string;
}

/**
 * The engine's calls, as upstream's metadata manager: `create` before docker create (writes the
 * INITIAL file, returns the bind and variable to add), `update` after start with the inspect result
 * (READY), `clean` at task cleanup. Only task-definition containers get a file.
 */
export class ContainerMetadataFiles {
  #temp = 0;

  constructor(private readonly options: ContainerMetadataOptions) {}

  async create(task: Task, containerName: string, dockerSecurityOptions: readonly string[] = []): Promise<MetadataMount> {
    const directory = metadataDirectory(this.options.dataDir, task.arn, containerName);
    await mkdir(directory, { recursive: true });
    await this.#write(directory, renderMetadataFile(initialMetadata(this.options.facts(), task, containerName)));
    const selinux = dockerSecurityOptions.some((option) => option === 'selinux' || option.startsWith('name=selinux'));
    return metadataMount(this.options.dataDirOnHost, directory, (this.options.randomUuid ?? randomUUID)(), selinux);
  }

  /** Refuses a container that is not running (upstream: "container not running or invalid"). */
  async update(task: Task, containerName: string, info: ContainerInspectInfo): Promise<void> {
    if (!info.State?.Running) throw new Error(`container metadata update for container ${containerName} in task ${task.arn}: container not running or invalid`);
    const directory = metadataDirectory(this.options.dataDir, task.arn, containerName);
    await mkdir(directory, { recursive: true });
    await this.#write(directory, renderMetadataFile(readyMetadata(this.options.facts(), task, containerName, info)));
  }

  async clean(taskArn: string): Promise<void> {
    await rm(taskMetadataDirectory(this.options.dataDir, taskArn), { recursive: true, force: true });
  }

  /** A reader never sees a half-written file: the content lands in a temp file renamed over the old one. */
  async #write(directory: string, content: string): Promise<void> {
    this.#temp += 1;
    const temp = path.join(directory, `temp_metadata_file${process.pid}-${this.#temp}`);
    try {
      await writeFile(temp, content, { mode: 0o644 });
      await rename(temp, path.join(directory, METADATA_FILE_NAME));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
