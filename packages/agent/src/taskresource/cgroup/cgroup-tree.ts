import { existsSync, promises as fs, realpathSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskCgroupSpec } from '../../api/task';

export type CgroupVersion = 1 | 2;

/** The controllers a task cgroup limits; v1 keeps each in its own hierarchy (cpu is cpu,cpuacct). */
const V1_LIMITED = ['cpu', 'memory'] as const;
/** Enabled down the unified tree so the task cgroup and the containers below it get the files. */
const V2_CONTROLLERS = ['cpu', 'memory'] as const;

/** rmdir while processes are still leaving the cgroup (EBUSY): upstream's cleanup retries too. */
export interface RemoveRetry {
  readonly attempts: number;
  readonly delayMs: number;
}
const DEFAULT_REMOVE_RETRY: RemoveRetry = { attempts: 10, delayMs: 500 };

/** The unified hierarchy has cgroup.controllers at its root; v1 has a directory per controller. */
export function detectCgroupVersion(root: string): CgroupVersion | undefined {
  if (existsSync(path.join(root, 'cgroup.controllers'))) return 2;
  if (V1_LIMITED.every((controller) => existsSync(path.join(root, controller)))) return 1;
  return undefined;
}

/**
 * Cgroup v2's cpu.weight (1-10000) for v1 cpu.shares (2-262144), by the conversion runc and the
 * kernel documentation use, so the relative weights match what Docker gives the same shares.
 */
export function cpuSharesToWeight(shares: number): number {
  if (shares <= 0) return 0;
  return 1 + Math.trunc(((Math.max(shares, 2) - 2) * 9999) / 262142);
}

/**
 * A cgroupfs tree written directly (`root` is ECS_CGROUP_PATH, the host's /sys/fs/cgroup, bind-mounted
 * at the same path into the agent container). Paths such as `/ecs/<task id>` are relative to each
 * hierarchy's root.
 */
export class CgroupTree {
  constructor(
    readonly root: string,
    readonly version: CgroupVersion,
    private readonly removeRetry: RemoveRetry = DEFAULT_REMOVE_RETRY,
  ) {}

  /** Makes a parent cgroup such as `/ecs` (upstream creates it at startup); rejects when the tree is not writable. */
  async createParent(relative: string): Promise<void> {
    if (this.version === 1) {
      for (const controller of V1_LIMITED) await fs.mkdir(this.#at(controller, relative), { recursive: true });
      return;
    }
    await this.#makeV2Path(relative);
  }

  /** Creates (or re-applies to) the task's cgroup with its limits. Idempotent. */
  async createTaskCgroup(spec: TaskCgroupSpec): Promise<void> {
    if (this.version === 1) {
      const cpu = this.#at('cpu', spec.root);
      const memory = this.#at('memory', spec.root);
      await fs.mkdir(cpu, { recursive: true });
      await fs.mkdir(memory, { recursive: true });
      if (spec.cpuQuotaUs !== undefined && spec.cpuPeriodUs !== undefined) {
        // The period first: the kernel checks the quota against it.
        await write(cpu, 'cpu.cfs_period_us', String(spec.cpuPeriodUs));
        await write(cpu, 'cpu.cfs_quota_us', String(spec.cpuQuotaUs));
      } else if (spec.cpuShares !== undefined) {
        await write(cpu, 'cpu.shares', String(spec.cpuShares));
      }
      if (spec.memoryLimitBytes !== undefined) await write(memory, 'memory.limit_in_bytes', String(spec.memoryLimitBytes));
      return;
    }
    const dir = await this.#makeV2Path(spec.root);
    // The containers below need cpu and memory too; an empty cgroup may delegate them.
    await enableControllers(dir);
    if (spec.cpuQuotaUs !== undefined && spec.cpuPeriodUs !== undefined) {
      await write(dir, 'cpu.max', `${spec.cpuQuotaUs} ${spec.cpuPeriodUs}`);
    } else if (spec.cpuShares !== undefined) {
      await write(dir, 'cpu.weight', String(cpuSharesToWeight(spec.cpuShares)));
    }
    if (spec.memoryLimitBytes !== undefined) await write(dir, 'memory.max', String(spec.memoryLimitBytes));
  }

  /**
   * Removes the cgroup from every hierarchy it exists in (Docker's runc makes it in all v1 hierarchies,
   * not only cpu and memory), deepest first. Missing is fine; still busy after the retries rejects.
   */
  async removeCgroup(relative: string): Promise<void> {
    const dirs = this.version === 2 ? [this.#at(relative)] : this.#v1Hierarchies().map((hierarchy) => path.join(hierarchy, relative));
    for (const dir of dirs) await this.#removeTree(dir);
  }

  async #removeTree(dir: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    // A container cgroup Docker left behind (e.g. its remove raced the cleanup) goes first.
    for (const entry of entries) if (entry.isDirectory()) await this.#removeTree(path.join(dir, entry.name));
    for (let attempt = 1; ; attempt++) {
      try {
        await fs.rmdir(dir);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return;
        if (code !== 'EBUSY' || attempt >= this.removeRetry.attempts) throw error;
        await sleep(this.removeRetry.delayMs);
      }
    }
  }

  /** Each mounted v1 hierarchy once (cpu and cpuacct are links to cpu,cpuacct). */
  #v1Hierarchies(): string[] {
    const seen = new Map<string, string>();
    for (const entry of readdirSync(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
      const dir = path.join(this.root, entry.name);
      let real: string;
      try {
        real = realpathSync(dir);
      } catch {
        continue;
      }
      if (!seen.has(real)) seen.set(real, dir);
    }
    return [...seen.values()];
  }

  /** mkdir each level of a unified-tree path, enabling cpu and memory for the children of each parent. */
  async #makeV2Path(relative: string): Promise<string> {
    let dir = this.root;
    for (const part of relative.split('/').filter(Boolean)) {
      await enableControllers(dir);
      dir = path.join(dir, part);
      await fs.mkdir(dir, { recursive: true });
    }
    return dir;
  }

  #at(...parts: string[]): string {
    return path.join(this.root, ...parts);
  }
}

async function write(dir: string, file: string, value: string): Promise<void> {
  try {
    await fs.writeFile(path.join(dir, file), value);
  } catch (error) {
    throw new Error(`cannot write ${value} to ${path.join(dir, file)}: ${(error as Error).message}`);
  }
}

/** Adds cpu and memory to a v2 cgroup's cgroup.subtree_control when they are not there yet. */
async function enableControllers(dir: string): Promise<void> {
  const control = path.join(dir, 'cgroup.subtree_control');
  const enabled = new Set((await fs.readFile(control, 'utf8').catch(() => '')).split(/\s+/).filter(Boolean));
  const missing = V2_CONTROLLERS.filter((controller) => !enabled.has(controller));
  if (missing.length === 0) return;
  await write(dir, 'cgroup.subtree_control', missing.map((controller) => `+${controller}`).join(' '));
}
