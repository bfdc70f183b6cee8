import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from './agent-harness';
import { buildTaggedBusyboxImage, removeImages } from './support/busybox-image';
import { EngineTestBed, type AgentHandle } from './engine/engine-harness';

// Task-level CPU and memory limits through the local control plane and the real Docker engine (this
// host: cgroup v1, cgroupfs driver): the task's cgroup /ecs/<task id> holds the limits, its container
// runs below it, and cleanup removes it.

const CGROUP_ROOT = '/sys/fs/cgroup';
const image = `fractal-cgroup-test/busybox:${process.pid}`;
let bed: EngineTestBed;
let agent: AgentHandle;

const cgroupV1 = existsSync(path.join(CGROUP_ROOT, 'memory')) && !existsSync(path.join(CGROUP_ROOT, 'cgroup.controllers'));
const onV1 = cgroupV1 ? describe : describe.skip;

beforeAll(async () => {
  await buildTaggedBusyboxImage([image]);
  bed = await new EngineTestBed().start();
}, 60_000);

afterAll(async () => {
  await bed?.cleanup();
  removeImages([image]);
});

const taskIdOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const readCgroup = (...parts: string[]) => readFileSync(path.join(CGROUP_ROOT, ...parts), 'utf8').trim();

onV1('a task with task-level cpu and memory (cgroup v1)', () => {
  beforeAll(async () => {
    agent = bed.startAgent({ ECS_ENABLE_TASK_CPU_MEM_LIMIT: 'true', ECS_CGROUP_CPU_PERIOD: '50ms', ECS_CONTAINER_STOP_TIMEOUT: '2s' }, { engineSettings: { drainIntervalMs: [200, 400], cleanupWaitMs: 1_000, cleanupWaitJitterMs: 0 } });
    await bed.waitForEngine(agent);
  }, 60_000);

  it('runs under /ecs/<task id> with the quota and limit, and the cgroup is removed at cleanup', async () => {
    const [arn] = await bed.run({
      family: 'cgroup',
      cpu: '512',
      memory: '256',
      containerDefinitions: [{ name: 'app', image, memory: 64, essential: true, command: ['sh', '-c', 'sleep 600'] }],
    });
    await bed.waitForStatus(arn!, 'RUNNING');
    const id = taskIdOf(arn!);
    // 512 units = 0.5 vCPU of a 50 ms period.
    expect(readCgroup('cpu', 'ecs', id, 'cpu.cfs_period_us')).toBe('50000');
    expect(readCgroup('cpu', 'ecs', id, 'cpu.cfs_quota_us')).toBe('25000');
    expect(readCgroup('memory', 'ecs', id, 'memory.limit_in_bytes')).toBe(String(256 * 1024 * 1024));

    const [running] = bed.containers();
    const inspected = JSON.parse(execFileSync('docker', ['inspect', running!.id], { encoding: 'utf8' }))[0] as { Id: string; State: { Pid: number }; HostConfig: { CgroupParent: string } };
    expect(inspected.HostConfig.CgroupParent).toBe(`/ecs/${id}`);
    const own = readFileSync(`/proc/${inspected.State.Pid}/cgroup`, 'utf8');
    expect(own).toMatch(new RegExp(`^\\d+:memory:/ecs/${id}/${inspected.Id}$`, 'm'));
    expect(own).toMatch(new RegExp(`^\\d+:cpu(,cpuacct)?:/ecs/${id}/${inspected.Id}$`, 'm'));

    await bed.stopTask(arn!);
    await bed.waitForStatus(arn!, 'STOPPED');
    await waitFor('the task cleaned up', () => bed.containers().length === 0, 30_000);
    // runc made it in every hierarchy, not only the two the agent wrote limits in.
    const hierarchies = ['cpu', 'memory', 'pids', 'cpuset', 'unified'].filter((hierarchy) => existsSync(path.join(CGROUP_ROOT, hierarchy, 'ecs')));
    expect(hierarchies).toEqual(expect.arrayContaining(['cpu', 'memory', 'pids', 'cpuset']));
    for (const hierarchy of hierarchies) {
      await waitFor(`/${hierarchy}/ecs/${id} removed`, () => !existsSync(path.join(CGROUP_ROOT, hierarchy, 'ecs', id)), 10_000);
    }
    expect(existsSync(path.join(CGROUP_ROOT, 'memory', 'ecs'))).toBe(true);
  }, 120_000);
});

describe('cgroups unavailable (ECS_CGROUP_PATH without a cgroup tree)', () => {
  // Its own cluster, so its tasks cannot land on the agent above.
  let offBed: EngineTestBed;
  beforeAll(async () => {
    offBed = await new EngineTestBed().start();
  }, 60_000);
  afterAll(async () => offBed?.cleanup());

  it('an explicit ECS_ENABLE_TASK_CPU_MEM_LIMIT=true stops the agent with exit 5', async () => {
    const refused = offBed.startAgent({ ECS_ENABLE_TASK_CPU_MEM_LIMIT: 'true', ECS_CGROUP_PATH: '/nonexistent-cgroup-root' });
    await expect(refused.exit).resolves.toBe(5);
    expect(refused.logger.text()).toContain('ECS_ENABLE_TASK_CPU_MEM_LIMIT=true but task cgroups are unavailable: no cgroup v1 or v2 hierarchy at /nonexistent-cgroup-root');
  }, 60_000);

  it('the default turns the limits off: the agent runs tasks without a cgroup parent', async () => {
    const quiet = offBed.startAgent({ ECS_CGROUP_PATH: '/nonexistent-cgroup-root' });
    await offBed.waitForEngine(quiet);
    const [arn] = await offBed.run({
      family: 'nocgroup',
      cpu: '256',
      memory: '128',
      containerDefinitions: [{ name: 'app', image, memory: 32, essential: true, command: ['sh', '-c', 'exit 0'] }],
    });
    await offBed.waitForStatus(arn!, 'STOPPED', 60_000);
    const mine = offBed.containers().find((candidate) => candidate.name.includes('nocgroup'));
    const parent = execFileSync('docker', ['inspect', '-f', '{{.HostConfig.CgroupParent}}', mine!.id], { encoding: 'utf8' }).trim();
    expect(parent).toBe('');
    expect(quiet.logger.text()).toContain('Task CPU and memory limits are off');
    await quiet.stop();
  }, 90_000);
});
