import { existsSync } from 'node:fs';
import path from 'node:path';
import { asText, parsePseudoFile } from './pseudo-files';

/** Where the host's cgroup tree and proc are, as this process sees them. */
export interface StatsRoots {
  /** The host's /sys/fs/cgroup (bind-mounted at the same path into the agent container). */
  readonly cgroup: string;
  /** The host's /proc: /host/proc inside the agent container, /proc when the agent runs on the host. */
  readonly proc: string;
}

/** The controllers whose files a v1 sample reads. */
export const V1_CONTROLLERS = ['cpuacct', 'cpu', 'memory', 'blkio', 'pids'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

export type CgroupLocation =
  | { readonly version: 1; readonly dirs: Readonly<Record<V1Controller, string>> }
  | { readonly version: 2; readonly dir: string };

export type CgroupVersion = 1 | 2;

/** The unified hierarchy has cgroup.controllers at its root; v1 has a directory per controller. */
export function detectCgroupVersion(cgroupRoot: string): CgroupVersion | undefined {
  if (existsSync(path.join(cgroupRoot, 'cgroup.controllers'))) return 2;
  if (existsSync(path.join(cgroupRoot, 'memory')) || existsSync(path.join(cgroupRoot, 'cpuacct'))) return 1;
  return undefined;
}

export interface LocateRequest {
  readonly dockerId: string;
  readonly pid?: number;
  readonly cgroupParent?: string;
}

/**
 * Finds a container's cgroup directories: first from /proc/<pid>/cgroup of its init process (exact
 * whatever the driver and parent), then from Docker's naming: `<parent>/<id>` with the cgroupfs driver
 * (parent `/docker` by default, or the task's CgroupParent such as `/ecs/<task id>`) and
 * `<parent slice path>/docker-<id>.scope` with the systemd driver (`system.slice` by default).
 * Undefined when no candidate exists, e.g. without the host's cgroup tree.
 */
export function locateCgroup(version: CgroupVersion, roots: StatsRoots, request: LocateRequest): CgroupLocation | undefined {
  const fromPid = request.pid ? locateFromProc(version, roots, request.pid) : undefined;
  if (fromPid) return fromPid;
  for (const relative of dockerCgroupCandidates(request.dockerId, request.cgroupParent)) {
    const location = at(version, roots.cgroup, () => relative);
    if (location) return location;
  }
  return undefined;
}

function locateFromProc(version: CgroupVersion, roots: StatsRoots, pid: number): CgroupLocation | undefined {
  const text = parsePseudoFile(path.join(roots.proc, String(pid), 'cgroup'), asText);
  if (text === undefined) return undefined;
  const byController = new Map<string, string>();
  let unified: string | undefined;
  for (const line of text.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, id, controllers, cgroupPath] = match as unknown as [string, string, string, string];
    // Seen from another cgroup namespace, paths climb out with "/.."; Docker's naming finds those.
    if (cgroupPath.includes('/..')) continue;
    if (id === '0' && controllers === '') unified = cgroupPath;
    for (const controller of controllers.split(',')) if (controller) byController.set(controller, cgroupPath);
  }
  if (version === 2) return unified === undefined ? undefined : at(2, roots.cgroup, () => unified!);
  if (!V1_CONTROLLERS.every((controller) => byController.has(controller) || controller === 'pids')) return undefined;
  return at(1, roots.cgroup, (controller) => byController.get(controller) ?? byController.get('memory')!);
}

function at(version: CgroupVersion, cgroupRoot: string, relative: (controller: V1Controller) => string): CgroupLocation | undefined {
  if (version === 2) {
    const dir = path.join(cgroupRoot, relative('memory'));
    return existsSync(path.join(dir, 'cgroup.procs')) ? { version: 2, dir } : undefined;
  }
  const dirs = Object.fromEntries(V1_CONTROLLERS.map((controller) => [controller, path.join(cgroupRoot, controller, relative(controller))])) as Record<V1Controller, string>;
  return existsSync(path.join(dirs.memory, 'memory.usage_in_bytes')) ? { version: 1, dirs } : undefined;
}

/** Docker's cgroup paths for a container, relative to a hierarchy root, most likely first. */
export function dockerCgroupCandidates(dockerId: string, cgroupParent?: string): string[] {
  const parents = cgroupParent ? [cgroupParent] : ['/docker', 'system.slice'];
  return parents.map((parent) => (parent.endsWith('.slice') ? `${expandSlice(parent)}/docker-${dockerId}.scope` : `${parent}/${dockerId}`));
}

/** systemd nests `a-b-c.slice` as `a.slice/a-b.slice/a-b-c.slice`; `-.slice` is the root. */
export function expandSlice(slice: string): string {
  const name = slice.slice(0, -'.slice'.length);
  if (name === '-' || name === '') return '';
  const parts = name.split('-');
  return parts.map((_, index) => `${parts.slice(0, index + 1).join('-')}.slice`).join('/');
}
