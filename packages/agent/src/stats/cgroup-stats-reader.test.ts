import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dockerCgroupCandidates, expandSlice } from './cgroup-location';
import { CgroupStatsReader } from './cgroup-stats-reader';
import type { TrackedContainer } from './tracked-container-source';

const ID = 'a'.repeat(64);
const READ_AT = Date.UTC(2021, 1, 19, 18, 0, 0) + 0.5;
const container = (extra: Partial<TrackedContainer> = {}): TrackedContainer => ({
  taskArn: 'arn:task/1',
  taskDefinitionFamily: 'web',
  taskDefinitionVersion: '3',
  containerName: 'app',
  dockerId: ID,
  ...extra,
});

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'stats-fixture-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function writeTree(files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** Descriptors this process has open. */
const openDescriptors = (): number => readdirSync('/proc/self/fd').length;

function reader(): CgroupStatsReader {
  const r = new CgroupStatsReader({ roots: { cgroup: path.join(root, 'cgroup'), proc: path.join(root, 'proc') }, onlineCpus: 2, now: () => READ_AT });
  r.startTick();
  return r;
}

const HOST_PROC = {
  // user nice system idle iowait irq softirq steal: 1000 ticks in all = 10 s.
  'proc/stat': 'cpu  400 0 100 450 50 0 0 0 0 0\ncpu0 200 0 50 225 25 0 0 0 0 0\n',
  'proc/meminfo': 'MemTotal:        2048000 kB\nMemFree:          100000 kB\n',
};

const NET_DEV = [
  'Inter-|   Receive                                                |  Transmit',
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
  '    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0',
  '  eth0:    1500      12    1    2    0     0          0         0      700       5    3    4    0     0       0          0',
  '  eth1:     500       8    0    0    0     0          0         0      300       2    0    0    0     0       0          0',
].join('\n');

/** A cgroup v1 container directory set under `rel` for every controller. */
function v1Container(rel: string): Record<string, string> {
  return {
    [`cgroup/cpuacct/${rel}/cpuacct.usage`]: '3000000000\n',
    [`cgroup/cpuacct/${rel}/cpuacct.usage_percpu`]: '1000000000 2000000000 \n',
    [`cgroup/cpuacct/${rel}/cpuacct.stat`]: 'user 250\nsystem 40\n',
    [`cgroup/cpu/${rel}/cpu.stat`]: 'nr_periods 10\nnr_throttled 2\nthrottled_time 5000\n',
    [`cgroup/memory/${rel}/memory.usage_in_bytes`]: '52428800\n',
    [`cgroup/memory/${rel}/memory.max_usage_in_bytes`]: '62914560\n',
    [`cgroup/memory/${rel}/memory.limit_in_bytes`]: '9223372036854771712\n',
    [`cgroup/memory/${rel}/memory.stat`]: 'cache 10485760\nrss 41943040\ntotal_cache 10485760\ntotal_rss 41943040\n',
    [`cgroup/blkio/${rel}/blkio.throttle.io_service_bytes_recursive`]: '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Total 12288\nTotal 12288\n',
    [`cgroup/blkio/${rel}/blkio.throttle.io_serviced_recursive`]: '8:0 Read 1\n8:0 Write 2\nTotal 3\n',
    [`cgroup/pids/${rel}/pids.current`]: '3\n',
    [`cgroup/pids/${rel}/pids.max`]: 'max\n',
  };
}

describe('cgroup v1 reader', () => {
  it('maps the cgroupfs driver files of /docker/<id> to Docker stats JSON', () => {
    writeTree({ ...HOST_PROC, ...v1Container(`docker/${ID}`), 'proc/4242/net/dev': NET_DEV, 'proc/4242/cgroup': v1ProcCgroup(`/docker/${ID}`) });
    const stats = reader().readNow(container({ pid: 4242, dockerName: '/ecs-web-3-app' }))!;
    expect(stats).toMatchObject({
      read: '2021-02-19T18:00:00.000500000Z',
      preread: '0001-01-01T00:00:00Z',
      id: ID,
      name: '/ecs-web-3-app',
      pids_stats: { current: 3 },
      cpu_stats: {
        cpu_usage: { total_usage: 3_000_000_000, percpu_usage: [1_000_000_000, 2_000_000_000], usage_in_usermode: 2_500_000_000, usage_in_kernelmode: 400_000_000 },
        system_cpu_usage: 10_000_000_000,
        online_cpus: 2,
        throttling_data: { periods: 10, throttled_periods: 2, throttled_time: 5000 },
      },
      // No limit set: the host's 2,048,000 kB.
      memory_stats: { usage: 52428800, max_usage: 62914560, limit: 2_097_152_000, stats: { cache: 10485760, rss: 41943040, total_cache: 10485760 } },
      networks: {
        eth0: { rx_bytes: 1500, rx_packets: 12, rx_errors: 1, rx_dropped: 2, tx_bytes: 700, tx_packets: 5, tx_errors: 3, tx_dropped: 4 },
        eth1: { rx_bytes: 500, rx_packets: 8, rx_errors: 0, rx_dropped: 0, tx_bytes: 300, tx_packets: 2, tx_errors: 0, tx_dropped: 0 },
      },
    });
    expect(stats.networks).not.toHaveProperty('lo');
    expect(stats.pids_stats).not.toHaveProperty('limit');
    expect(stats.blkio_stats.io_service_bytes_recursive).toEqual([
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 8192 },
      { major: 8, minor: 0, op: 'Sync', value: 0 },
      { major: 8, minor: 0, op: 'Total', value: 12288 },
    ]);
    expect(stats.blkio_stats.io_serviced_recursive).toHaveLength(2);
  });

  it('follows /proc/<pid>/cgroup to a custom parent such as /ecs/<task id>', () => {
    writeTree({ ...HOST_PROC, ...v1Container(`ecs/task123/${ID}`), 'proc/77/cgroup': v1ProcCgroup(`/ecs/task123/${ID}`) });
    expect(reader().readNow(container({ pid: 77 }))?.memory_stats.usage).toBe(52428800);
  });

  it('finds a custom cgroupfs parent from CgroupParent without a pid', () => {
    writeTree({ ...HOST_PROC, ...v1Container(`ecs/task123/${ID}`) });
    expect(reader().readNow(container({ cgroupParent: '/ecs/task123' }))?.cpu_stats.cpu_usage.total_usage).toBe(3_000_000_000);
    expect(reader().readNow(container())).toBeUndefined();
  });

  it('finds the systemd driver scope by name, ignoring paths seen from another cgroup namespace', () => {
    writeTree({ ...HOST_PROC, ...v1Container(`system.slice/docker-${ID}.scope`), 'proc/9/cgroup': v1ProcCgroup(`/../../system.slice/docker-${ID}.scope`) });
    const stats = reader().readNow(container({ pid: 9, networkMode: 'host' }))!;
    expect(stats.memory_stats.usage).toBe(52428800);
    // Host networking: Docker reports no networks.
    expect(stats).not.toHaveProperty('networks');
  });

  it('keeps the cgroup files open between samples and reads their current content each time', () => {
    writeTree({ ...HOST_PROC, ...v1Container(`docker/${ID}`) });
    const r = reader();
    const before = openDescriptors();
    expect(r.readNow(container())?.cpu_stats.cpu_usage.total_usage).toBe(3_000_000_000);
    expect(r.heldDescriptors(ID)).toBe(12);
    expect(openDescriptors()).toBe(before + 12);
    // Rewritten in place, as the kernel regenerates a pseudo-file: the next read from offset 0 sees it.
    writeFileSync(path.join(root, `cgroup/cpuacct/docker/${ID}/cpuacct.usage`), '4000000000\n');
    writeFileSync(path.join(root, `cgroup/memory/docker/${ID}/memory.stat`), 'cache 1\nrss 2\n');
    const second = r.readNow(container())!;
    expect(second.cpu_stats.cpu_usage.total_usage).toBe(4_000_000_000);
    expect(second.memory_stats.stats).toEqual({ cache: 1, rss: 2 });
    // No path is looked up again: the directory could be anywhere now.
    renameSync(path.join(root, 'cgroup/memory/docker'), path.join(root, 'cgroup/memory/moved'));
    expect(r.readNow(container())?.memory_stats.usage).toBe(52428800);
    expect(openDescriptors()).toBe(before + 12);
    r.close();
  });

  it('closes the files when a read fails, reads nothing while the cgroup is gone, and opens it again when it is back', () => {
    writeTree({ ...HOST_PROC, ...v1Container(`docker/${ID}`) });
    const r = reader();
    const before = openDescriptors();
    expect(r.readNow(container())).toBeDefined();
    // The kernel fails every read of a removed cgroup's open files (ENODEV); a regular file cannot be
    // made to, so a file emptied in place stands in for it.
    writeFileSync(path.join(root, `cgroup/memory/docker/${ID}/memory.usage_in_bytes`), '');
    expect(r.readNow(container())).toBeUndefined();
    expect(r.heldDescriptors(ID)).toBe(0);
    expect(openDescriptors()).toBe(before);
    rmSync(path.join(root, 'cgroup/memory/docker', ID), { recursive: true });
    expect(r.readNow(container())).toBeUndefined();
    expect(openDescriptors()).toBe(before);
    writeTree(v1Container(`docker/${ID}`));
    expect(r.readNow(container())?.memory_stats.usage).toBe(52428800);
    expect(r.heldDescriptors(ID)).toBe(12);
    r.close();
  });

  it('reads a container without the optional files, holding only those that exist', () => {
    writeTree({ ...HOST_PROC, ...v1Container(`docker/${ID}`) });
    rmSync(path.join(root, 'cgroup/pids'), { recursive: true });
    const r = reader();
    const stats = r.readNow(container())!;
    expect(stats.pids_stats).toEqual({});
    expect(stats.memory_stats.usage).toBe(52428800);
    expect(r.heldDescriptors(ID)).toBe(10);
    r.close();
  });

  it('releases every descriptor when a container is forgotten or the reader is closed', () => {
    const other = 'b'.repeat(64);
    writeTree({ ...HOST_PROC, ...v1Container(`docker/${ID}`), ...v1Container(`docker/${other}`) });
    const before = openDescriptors();
    const r = reader();
    expect(r.readNow(container())).toBeDefined();
    expect(r.readNow(container({ dockerId: other }))).toBeDefined();
    // 12 per container and the host's /proc/stat and meminfo.
    expect(openDescriptors()).toBe(before + 26);
    r.forget(ID);
    expect(r.heldDescriptors(ID)).toBe(0);
    expect(openDescriptors()).toBe(before + 14);
    r.close();
    expect(openDescriptors()).toBe(before);
    // Closed is not broken: the next tick opens what it needs again.
    r.startTick();
    expect(r.readNow(container())?.cpu_stats.system_cpu_usage).toBe(10_000_000_000);
    r.close();
  });
});

/** cgroup v2: cpu.stat in µs, memory.current/max/stat, io.stat. */
function v2Container(rel: string): Record<string, string> {
  return {
    'cgroup/cgroup.controllers': 'cpuset cpu io memory pids\n',
    [`cgroup/${rel}/cgroup.procs`]: '4242\n',
    [`cgroup/${rel}/cpu.stat`]: 'usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\nnr_periods 4\nnr_throttled 1\nthrottled_usec 250\n',
    [`cgroup/${rel}/memory.current`]: '31457280\n',
    [`cgroup/${rel}/memory.max`]: '104857600\n',
    [`cgroup/${rel}/memory.stat`]: 'anon 20971520\nfile 10485760\ninactive_file 8388608\nactive_file 2097152\n',
    [`cgroup/${rel}/io.stat`]: '8:0 rbytes=4096 wbytes=1024 rios=2 wios=1 dbytes=0 dios=0\n259:0 rbytes=100 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n',
    [`cgroup/${rel}/pids.current`]: '2\n',
    [`cgroup/${rel}/pids.max`]: '100\n',
  };
}

describe('cgroup v2 reader', () => {
  it('maps a systemd-driver scope to Docker stats JSON as dockerd does on a unified host', () => {
    writeTree({ ...HOST_PROC, ...v2Container(`system.slice/docker-${ID}.scope`), 'proc/4242/cgroup': `0::/system.slice/docker-${ID}.scope\n`, 'proc/4242/net/dev': NET_DEV });
    const r = reader();
    expect(r.version).toBe(2);
    const stats = r.readNow(container({ pid: 4242 }))!;
    expect(stats.cpu_stats).toEqual({
      cpu_usage: { total_usage: 1_500_000_000, usage_in_usermode: 1_000_000_000, usage_in_kernelmode: 500_000_000 },
      system_cpu_usage: 10_000_000_000,
      online_cpus: 2,
      throttling_data: { periods: 4, throttled_periods: 1, throttled_time: 250_000 },
    });
    expect(stats.memory_stats).toEqual({
      usage: 31457280,
      limit: 104857600,
      stats: { anon: 20971520, file: 10485760, inactive_file: 8388608, active_file: 2097152 },
    });
    expect(stats.blkio_stats.io_service_bytes_recursive).toEqual([
      { major: 8, minor: 0, op: 'read', value: 4096 },
      { major: 8, minor: 0, op: 'write', value: 1024 },
      { major: 259, minor: 0, op: 'read', value: 100 },
      { major: 259, minor: 0, op: 'write', value: 0 },
    ]);
    expect(stats.pids_stats).toEqual({ current: 2, limit: 100 });
    expect(Object.keys(stats.networks!)).toEqual(['eth0', 'eth1']);
  });

  it('holds the files of a scope open while it exists and opens them again once it is back', () => {
    const scope = `system.slice/docker-${ID}.scope`;
    writeTree({ ...HOST_PROC, ...v2Container(scope), 'proc/4242/cgroup': `0::/${scope}\n` });
    const r = reader();
    const before = openDescriptors();
    expect(r.readNow(container({ pid: 4242 }))?.memory_stats.usage).toBe(31457280);
    expect(r.heldDescriptors(ID)).toBe(7);
    writeFileSync(path.join(root, `cgroup/${scope}/memory.current`), '41943040\n');
    expect(r.readNow(container({ pid: 4242 }))?.memory_stats.usage).toBe(41943040);
    expect(openDescriptors()).toBe(before + 7);
    // A failed read (the kernel's ENODEV once the scope is removed; an emptied file here) closes them all.
    writeFileSync(path.join(root, `cgroup/${scope}/cpu.stat`), '');
    expect(r.readNow(container({ pid: 4242 }))).toBeUndefined();
    expect(openDescriptors()).toBe(before);
    rmSync(path.join(root, 'cgroup', scope), { recursive: true });
    expect(r.readNow(container({ pid: 4242 }))).toBeUndefined();
    writeTree(v2Container(scope));
    expect(r.readNow(container({ pid: 4242 }))?.cpu_stats.cpu_usage.total_usage).toBe(1_500_000_000);
    expect(r.heldDescriptors(ID)).toBe(7);
    r.forget(ID);
    expect(openDescriptors()).toBe(before);
    r.close();
  });

  it('finds a cgroupfs-driver container by name and reports the host memory without a limit', () => {
    writeTree({ ...HOST_PROC, ...v2Container(`docker/${ID}`), [`cgroup/docker/${ID}/memory.max`]: 'max\n' });
    expect(reader().readNow(container())?.memory_stats.limit).toBe(2_097_152_000);
  });
});

describe('cgroup locations', () => {
  it('expands systemd slices and names Docker candidates', () => {
    expect(expandSlice('system.slice')).toBe('system.slice');
    expect(expandSlice('ecs-task-1.slice')).toBe('ecs.slice/ecs-task.slice/ecs-task-1.slice');
    expect(expandSlice('-.slice')).toBe('');
    expect(dockerCgroupCandidates('abc')).toEqual(['/docker/abc', 'system.slice/docker-abc.scope']);
    expect(dockerCgroupCandidates('abc', 'ecs-t1.slice')).toEqual(['ecs.slice/ecs-t1.slice/docker-abc.scope']);
  });

  it('reads nothing without a cgroup tree', () => {
    writeTree(HOST_PROC);
    const r = reader();
    expect(r.version).toBeUndefined();
    expect(r.readNow(container({ pid: 1 }))).toBeUndefined();
  });
});

function v1ProcCgroup(cgroupPath: string): string {
  return ['9:name=systemd:', '8:pids:', '7:blkio:', '4:memory:', '2:cpuacct:', '1:cpu:', '0::']
    .map((prefix) => `${prefix}${prefix.startsWith('9:') ? '/' : cgroupPath}`)
    .join('\n');
}
