import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CgroupTree, cpuSharesToWeight, detectCgroupVersion } from './cgroup-tree';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'cgroupfs-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A v1 layout as Debian mounts it: cpu and cpuacct link to the joint hierarchy. */
function v1Tree(): void {
  for (const hierarchy of ['cpu,cpuacct', 'memory', 'pids', 'blkio']) mkdirSync(path.join(root, hierarchy));
  symlinkSync('cpu,cpuacct', path.join(root, 'cpu'));
  symlinkSync('cpu,cpuacct', path.join(root, 'cpuacct'));
}

function v2Tree(): void {
  writeFileSync(path.join(root, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
  writeFileSync(path.join(root, 'cgroup.subtree_control'), 'memory pids\n');
}

const read = (...parts: string[]) => readFileSync(path.join(root, ...parts), 'utf8');

describe('detectCgroupVersion', () => {
  it('tells v1 from v2 and finds neither in an empty directory', () => {
    expect(detectCgroupVersion(root)).toBeUndefined();
    v1Tree();
    expect(detectCgroupVersion(root)).toBe(1);
    v2Tree();
    expect(detectCgroupVersion(root)).toBe(2);
  });
});

describe('cgroup v1', () => {
  beforeEach(v1Tree);

  it('writes the period, then the quota, and the memory limit', async () => {
    const tree = new CgroupTree(root, 1);
    await tree.createParent('/ecs');
    await tree.createTaskCgroup({ root: '/ecs/abc', cpuPeriodUs: 10000, cpuQuotaUs: 5000, memoryLimitBytes: 268435456 });
    expect(read('cpu,cpuacct/ecs/abc/cpu.cfs_period_us')).toBe('10000');
    expect(read('cpu,cpuacct/ecs/abc/cpu.cfs_quota_us')).toBe('5000');
    expect(existsSync(path.join(root, 'cpu,cpuacct/ecs/abc/cpu.shares'))).toBe(false);
    expect(read('memory/ecs/abc/memory.limit_in_bytes')).toBe('268435456');
    // Only the limited hierarchies are made: runc makes the others (and fills cpuset) itself.
    expect(existsSync(path.join(root, 'pids/ecs'))).toBe(false);
  });

  it('writes shares without a task cpu, and no memory file without task memory', async () => {
    const tree = new CgroupTree(root, 1);
    await tree.createTaskCgroup({ root: '/ecs/abc', cpuShares: 514 });
    expect(read('cpu/ecs/abc/cpu.shares')).toBe('514');
    expect(existsSync(path.join(root, 'cpu/ecs/abc/cpu.cfs_quota_us'))).toBe(false);
    expect(existsSync(path.join(root, 'memory/ecs/abc'))).toBe(true);
    expect(existsSync(path.join(root, 'memory/ecs/abc/memory.limit_in_bytes'))).toBe(false);
  });

  it('removes the task cgroup from every hierarchy, container cgroups below it first, and keeps /ecs', async () => {
    const tree = new CgroupTree(root, 1);
    await tree.createTaskCgroup({ root: '/ecs/abc', cpuShares: 2 });
    mkdirSync(path.join(root, 'pids/ecs/abc/0123container'), { recursive: true });
    mkdirSync(path.join(root, 'blkio/ecs/other'), { recursive: true });
    // A real cgroupfs refuses to rmdir a directory with files in it only for subdirectories; the fake has none.
    rmSync(path.join(root, 'cpu/ecs/abc/cpu.shares'));
    await tree.removeCgroup('/ecs/abc');
    for (const hierarchy of ['cpu,cpuacct', 'memory', 'pids']) {
      expect(existsSync(path.join(root, hierarchy, 'ecs/abc'))).toBe(false);
      expect(existsSync(path.join(root, hierarchy, 'ecs'))).toBe(true);
    }
    expect(existsSync(path.join(root, 'blkio/ecs/other'))).toBe(true);
    // Gone already: nothing to do.
    await expect(tree.removeCgroup('/ecs/abc')).resolves.toBeUndefined();
  });

  it('names the file a limit could not be written to', async () => {
    const tree = new CgroupTree(root, 1);
    mkdirSync(path.join(root, 'memory/ecs/abc/memory.limit_in_bytes'), { recursive: true });
    await expect(tree.createTaskCgroup({ root: '/ecs/abc', cpuShares: 2, memoryLimitBytes: 4096 })).rejects.toThrow(
      `cannot write 4096 to ${path.join(root, 'memory/ecs/abc/memory.limit_in_bytes')}`,
    );
  });
});

describe('cgroup v2', () => {
  beforeEach(v2Tree);

  it('enables cpu and memory down to the task cgroup and writes cpu.max and memory.max', async () => {
    const tree = new CgroupTree(root, 2);
    await tree.createParent('/ecs');
    // The root had memory already: only cpu is added there.
    expect(read('cgroup.subtree_control')).toBe('+cpu');
    writeFileSync(path.join(root, 'ecs/cgroup.subtree_control'), '');
    await tree.createTaskCgroup({ root: '/ecs/abc', cpuPeriodUs: 100000, cpuQuotaUs: 250000, memoryLimitBytes: 536870912 });
    expect(read('ecs/cgroup.subtree_control')).toBe('+cpu +memory');
    expect(read('ecs/abc/cgroup.subtree_control')).toBe('+cpu +memory');
    expect(read('ecs/abc/cpu.max')).toBe('250000 100000');
    expect(read('ecs/abc/memory.max')).toBe('536870912');
    expect(existsSync(path.join(root, 'ecs/abc/cpu.weight'))).toBe(false);
  });

  it('converts shares to cpu.weight', async () => {
    const tree = new CgroupTree(root, 2);
    await tree.createTaskCgroup({ root: '/ecs/abc', cpuShares: 1024 });
    expect(read('ecs/abc/cpu.weight')).toBe('39');
    expect(existsSync(path.join(root, 'ecs/abc/memory.max'))).toBe(false);
  });

  it('removes only the task cgroup', async () => {
    const tree = new CgroupTree(root, 2);
    await tree.createTaskCgroup({ root: '/ecs/abc', cpuShares: 2 });
    rmSync(path.join(root, 'ecs/abc'), { recursive: true });
    mkdirSync(path.join(root, 'ecs/abc/container'), { recursive: true });
    await tree.removeCgroup('/ecs/abc');
    expect(existsSync(path.join(root, 'ecs/abc'))).toBe(false);
    expect(existsSync(path.join(root, 'ecs'))).toBe(true);
  });
});

describe('cpuSharesToWeight', () => {
  it('maps the v1 range onto 1-10000 as runc does', () => {
    expect([cpuSharesToWeight(2), cpuSharesToWeight(1024), cpuSharesToWeight(262144)]).toEqual([1, 39, 10000]);
  });
});
