import type { Logger } from '@fractal-ecs/common';
import type { DefaultedBoolean } from '../../config';
import type { DockerClient } from '../../dockerclient';
import { CgroupTree, detectCgroupVersion, type RemoveRetry } from './cgroup-tree';

/** Every task cgroup lives under this parent (upstream's DefaultTaskCgroupPrefix). */
export const TASK_CGROUP_PARENT = '/ecs';
/** CgroupParent needs the Docker API of 1.22 (upstream's capability check). */
const MIN_API = [1, 22] as const;

/** ECS_ENABLE_TASK_CPU_MEM_LIMIT=true when the host cannot give tasks their cgroup: the agent must not start. */
export class TaskCgroupSetupError extends Error {}

export interface TaskCgroupSetupOptions {
  readonly setting: DefaultedBoolean;
  /** ECS_CGROUP_PATH. */
  readonly cgroupRoot: string;
  readonly docker: Pick<DockerClient, 'version' | 'info'>;
  readonly logger: Logger;
  readonly removeRetry?: RemoveRetry;
}

/**
 * Upstream's startup step for task CPU/memory limits: the Docker API must take CgroupParent, Docker
 * must name cgroups by path (the cgroupfs driver; `/ecs/<task id>` is not a systemd slice) and the
 * `/ecs` parent must be creatable. When any of that fails, an explicit setting rejects with
 * TaskCgroupSetupError (exit 5 upstream) and the default turns the feature off with a log line.
 * Resolves the tree tasks' cgroups are made in, or undefined when the feature is off.
 */
export async function setUpTaskCgroups(options: TaskCgroupSetupOptions): Promise<CgroupTree | undefined> {
  const { setting, logger } = options;
  if (!setting.enabled) return undefined;
  try {
    return await prepareTree(options);
  } catch (error) {
    const reason = (error as Error).message;
    if (setting.explicit) throw new TaskCgroupSetupError(`ECS_ENABLE_TASK_CPU_MEM_LIMIT=true but task cgroups are unavailable: ${reason}`);
    logger.info({ reason }, 'Task CPU and memory limits are off: task cgroups are unavailable on this host');
    return undefined;
  }
}

async function prepareTree(options: TaskCgroupSetupOptions): Promise<CgroupTree> {
  const version = await options.docker.version();
  if (!apiAtLeast(version.ApiVersion, MIN_API)) throw new Error(`Docker API ${version.ApiVersion || '(unknown)'} is older than ${MIN_API.join('.')}`);
  const info = await options.docker.info();
  if (info.CgroupDriver && info.CgroupDriver !== 'cgroupfs') throw new Error(`Docker uses the ${info.CgroupDriver} cgroup driver; only cgroupfs is supported`);
  const cgroupVersion = detectCgroupVersion(options.cgroupRoot);
  if (!cgroupVersion) throw new Error(`no cgroup v1 or v2 hierarchy at ${options.cgroupRoot} (ECS_CGROUP_PATH)`);
  const tree = new CgroupTree(options.cgroupRoot, cgroupVersion, options.removeRetry);
  await tree.createParent(TASK_CGROUP_PARENT);
  return tree;
}

function apiAtLeast(apiVersion: string | undefined, [major, minor]: readonly [number, number]): boolean {
  const match = /^(\d+)\.(\d+)/.exec(apiVersion ?? '');
  if (!match) return false;
  const [have, haveMinor] = [Number(match[1]), Number(match[2])];
  return have > major || (have === major && haveMinor >= minor);
}
