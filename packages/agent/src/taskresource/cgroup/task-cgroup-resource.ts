import type { Logger } from '@fractal-ecs/common';
import type { Container, Task } from '../../api';
import { DockerError } from '../../dockerclient';
import type { ContainerResources } from '../../engine';
import type { CgroupTree } from './cgroup-tree';

/**
 * The task cgroup as a task resource: made once, before the task's first container is created (each
 * container's create waits for it), and removed at cleanup after the containers are gone.
 */
export class TaskCgroupResource implements ContainerResources {
  readonly #created = new Map<string, Promise<void>>();

  constructor(
    private readonly tree: CgroupTree,
    private readonly logger: Logger,
  ) {}

  /** Rejects with a create failure naming the cgroup; the next container's create tries again. */
  prepare(task: Task): Promise<void> {
    const spec = task.cgroup;
    if (!spec) return Promise.resolve();
    let pending = this.#created.get(task.arn);
    if (!pending) {
      pending = this.tree.createTaskCgroup(spec).catch((error: Error) => {
        this.#created.delete(task.arn);
        throw new DockerError('CannotCreateContainerError', `cannot create the task cgroup ${spec.root}: ${error.message}`);
      });
      this.#created.set(task.arn, pending);
    }
    return pending;
  }

  release(_container: Container): void {}

  /** A cgroup that stays busy is logged and left: cleanup of the rest of the task goes on. */
  async cleanup(task: Task): Promise<void> {
    this.#created.delete(task.arn);
    const spec = task.cgroup;
    if (!spec) return;
    try {
      await this.tree.removeCgroup(spec.root);
      this.logger.info({ taskArn: task.arn, cgroup: spec.root }, 'Task cgroup removed');
    } catch (error) {
      this.logger.warn({ taskArn: task.arn, cgroup: spec.root, err: (error as Error).message }, 'Cannot remove the task cgroup');
    }
  }
}
