import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Task } from '../../api';
import { recordingLogger } from '../../../test/fakes/recording-logger';
import { setUpTaskCgroups, TaskCgroupSetupError } from './task-cgroup-support';
import { TaskCgroupResource } from './task-cgroup-resource';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'cgroupfs-'));
  for (const controller of ['cpu', 'memory']) mkdirSync(path.join(root, controller));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const docker = (apiVersion: string, driver = 'cgroupfs') => ({
  version: async () => ({ ApiVersion: apiVersion }) as never,
  info: async () => ({ CgroupDriver: driver }),
});
const explicit = { enabled: true, explicit: true };
const implicit = { enabled: true, explicit: false };

describe('setUpTaskCgroups', () => {
  it('creates /ecs in each limited hierarchy when Docker and the tree allow it', async () => {
    const tree = await setUpTaskCgroups({ setting: explicit, cgroupRoot: root, docker: docker('1.41'), logger: recordingLogger() });
    expect(tree?.version).toBe(1);
    expect([existsSync(path.join(root, 'cpu/ecs')), existsSync(path.join(root, 'memory/ecs'))]).toEqual([true, true]);
  });

  it.each([
    ['an API older than 1.22', docker('1.21'), 'Docker API 1.21 is older than 1.22'],
    ['the systemd driver', docker('1.41', 'systemd'), 'Docker uses the systemd cgroup driver; only cgroupfs is supported'],
  ])('refuses %s when the setting is explicit, turns off quietly by default', async (_case, client, reason) => {
    await expect(setUpTaskCgroups({ setting: explicit, cgroupRoot: root, docker: client, logger: recordingLogger() })).rejects.toThrow(
      new TaskCgroupSetupError(`ECS_ENABLE_TASK_CPU_MEM_LIMIT=true but task cgroups are unavailable: ${reason}`),
    );
    const logger = recordingLogger();
    await expect(setUpTaskCgroups({ setting: implicit, cgroupRoot: root, docker: client, logger })).resolves.toBeUndefined();
    expect(logger.records).toEqual([expect.objectContaining({ level: 'info', fields: { reason } })]);
    expect(existsSync(path.join(root, 'cpu/ecs'))).toBe(false);
  });

  it('does nothing when the setting is off', async () => {
    const unreachable = { version: () => Promise.reject(new Error('not asked')), info: () => Promise.reject(new Error('not asked')) };
    await expect(setUpTaskCgroups({ setting: { enabled: false, explicit: true }, cgroupRoot: root, docker: unreachable, logger: recordingLogger() })).resolves.toBeUndefined();
  });
});

describe('TaskCgroupResource', () => {
  const task = { arn: 'arn:aws:ecs:us-west-2:1:task/c/abc', cgroup: { root: '/ecs/abc', cpuShares: 2, memoryLimitBytes: 4194304 } } as unknown as Task;

  it('makes the cgroup once for all containers, fails creates with its reason, and removes it at cleanup', async () => {
    const tree = (await setUpTaskCgroups({ setting: explicit, cgroupRoot: root, docker: docker('1.41'), logger: recordingLogger() }))!;
    const resource = new TaskCgroupResource(tree, recordingLogger());
    // The memory hierarchy vanished: the create fails naming the cgroup, and is tried again next time.
    rmSync(path.join(root, 'memory'), { recursive: true });
    writeBlocker(path.join(root, 'memory'));
    await expect(resource.prepare(task)).rejects.toMatchObject({ name: 'CannotCreateContainerError', message: expect.stringContaining('cannot create the task cgroup /ecs/abc') });
    rmSync(path.join(root, 'memory'));
    mkdirSync(path.join(root, 'memory'));
    await Promise.all([resource.prepare(task), resource.prepare(task)]);
    expect(existsSync(path.join(root, 'memory/ecs/abc/memory.limit_in_bytes'))).toBe(true);
    rmSync(path.join(root, 'memory/ecs/abc/memory.limit_in_bytes'));
    rmSync(path.join(root, 'cpu/ecs/abc/cpu.shares'));
    await resource.cleanup(task);
    expect([existsSync(path.join(root, 'cpu/ecs/abc')), existsSync(path.join(root, 'memory/ecs/abc'))]).toEqual([false, false]);
  });
});

/** A plain file where a directory should be: mkdir below it fails. */
function writeBlocker(file: string): void {
  rmSync(file, { recursive: true, force: true });
  writeFileSync(file, '');
}
