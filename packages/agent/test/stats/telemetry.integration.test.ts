import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeInstance, FAST_TCS, waitFor } from '../agent-harness';
import { buildTaggedBusyboxImage, removeImages } from '../support/busybox-image';
import { EngineTestBed, type AgentHandle } from '../engine/engine-harness';

// The stats engine wired into the agent: what it publishes on TCS, as the local control plane
// records it, against the containers' own cgroup counters (cgroup v1 here, read from /proc/<pid>/cgroup
// the way `docker stats` itself would find them), and Docker health checks published as task health.

const IMAGE = 'fractal-stats-probe:latest';
/** Publications every 3 s: each window holds a few 1 s samples. */
const PUBLISH_MS = 3_000;
/** Busy CPU is compared as an average over nearly the same window on a shared 2-core host: ±20 points. */
const CPU_TOLERANCE_POINTS = 20;
/** Memory is steady once allocated; metrics are whole MiB (floored): ±2 MiB. */
const MEMORY_TOLERANCE_MIB = 2;
const MIB = 1024 * 1024;

let bed: EngineTestBed;
let agent: AgentHandle;
let instanceArn: string;

beforeAll(async () => {
  await buildTaggedBusyboxImage([IMAGE]);
  bed = await new EngineTestBed().start();
  agent = bed.startAgent({ ECS_DISABLE_METRICS: 'false', ECS_CONTAINER_STOP_TIMEOUT: '1s' }, { tcsTimings: { ...FAST_TCS, publishIntervalMs: PUBLISH_MS } });
  await bed.waitForEngine(agent);
  instanceArn = (await describeInstance(bed.harness, bed.cluster)).containerInstanceArn!;
}, 60_000);

afterAll(async () => {
  await bed?.cleanup();
  removeImages([IMAGE]);
});

interface Inspected {
  Id: string;
  State: { Pid: number };
}

function containersOf(taskArn: string): Record<string, Inspected> {
  const ids = execFileSync('docker', ['ps', '-q', '--no-trunc', '--filter', `label=com.amazonaws.ecs.task-arn=${taskArn}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const out: Record<string, Inspected> = {};
  for (const id of ids) {
    const [info] = JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' })) as (Inspected & { Config: { Labels: Record<string, string> } })[];
    out[info!.Config.Labels['com.amazonaws.ecs.container-name']!] = info!;
  }
  return out;
}

/** The container's v1 cgroup directory of one controller, from its init process. */
function cgroupDir(pid: number, controller: string): string {
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
    const [, controllers, relative] = line.split(':');
    if (controllers?.split(',').includes(controller)) return path.join('/sys/fs/cgroup', controller, relative!);
  }
  throw new Error(`pid ${pid}: no ${controller} cgroup`);
}

const cpuUsageNs = (pid: number) => Number(readFileSync(path.join(cgroupDir(pid, 'cpuacct'), 'cpuacct.usage'), 'utf8'));

/** Usage minus page cache, as Docker's and the agent's stats count memory on cgroup v1. */
function memoryMiB(pid: number): number {
  const dir = cgroupDir(pid, 'memory');
  const usage = Number(readFileSync(path.join(dir, 'memory.usage_in_bytes'), 'utf8'));
  const cache = Number(/^total_cache (\d+)$/m.exec(readFileSync(path.join(dir, 'memory.stat'), 'utf8'))![1]);
  return (usage - cache) / MIB;
}

interface StatsSet {
  min: number;
  max: number;
  sampleCount: number;
  sum: number;
}

/** Every container metric the control plane received for the task after `since` (epoch seconds). */
function metricsOf(taskArn: string, containerName: string, since: number, until: number): { cpu: StatsSet; memory: StatsSet }[] {
  const record = bed.harness.controlPlane.telemetry(instanceArn);
  const out: { cpu: StatsSet; memory: StatsSet }[] = [];
  for (const publication of record?.metrics ?? []) {
    if (publication.receivedAt <= since || publication.receivedAt > until) continue;
    for (const task of publication.taskMetrics ?? []) {
      if (task.taskArn !== taskArn) continue;
      for (const container of task.containerMetrics ?? []) {
        if (container.containerName === containerName) out.push({ cpu: container.cpuStatsSet as StatsSet, memory: container.memoryStatsSet as StatsSet });
      }
    }
  }
  return out;
}

it('a busy and an idle container: TCS metrics match their cgroup counters', async () => {
  const [taskArn] = await bed.run({
    family: 'load',
    containerDefinitions: [
      { name: 'busy', image: IMAGE, essential: true, memory: 64, command: ['sh', '-c', 'while :; do :; done'] },
      // awk holds a ~24 MiB string (anonymous memory) while it waits on sleep.
      { name: 'idle', image: IMAGE, essential: true, memory: 128, command: ['awk', 'BEGIN { s = sprintf("%25000000s", ""); system("sleep 600") }'] },
    ],
  });
  await bed.waitForStatus(taskArn!, 'RUNNING');
  const containers = containersOf(taskArn!);
  const busyPid = containers.busy!.State.Pid;
  const idlePid = containers.idle!.State.Pid;
  // The idle container's allocation settles before the window starts.
  await waitFor('the idle container to hold its memory', () => memoryMiB(idlePid) > 20, 30_000);

  const start = { at: Date.now() / 1000, busy: cpuUsageNs(busyPid), idle: cpuUsageNs(idlePid) };
  // Publications received a full window (and a sample) after the counters were read hold only later samples.
  const since = start.at + PUBLISH_MS / 1000 + 1;
  await waitFor('three metrics publications of the window', () => metricsOf(taskArn!, 'busy', since, Infinity).length >= 3, 30_000);
  const end = { at: Date.now() / 1000, busy: cpuUsageNs(busyPid), idle: cpuUsageNs(idlePid), idleMemory: memoryMiB(idlePid) };
  const cores = 2; // the harness's host capacity and this machine's: the agent divides by the host's cores
  expect(Number(execFileSync('nproc', { encoding: 'utf8' }))).toBe(cores);
  const cgroupPercent = (from: number, to: number) => (100 * (to - from)) / cores / ((end.at - start.at) * 1e9);

  const busy = metricsOf(taskArn!, 'busy', since, end.at);
  const idle = metricsOf(taskArn!, 'idle', since, end.at);
  expect(busy.length).toBeGreaterThanOrEqual(3);
  expect(idle.length).toBeGreaterThanOrEqual(3);
  const average = (sets: StatsSet[]) => sets.reduce((sum, set) => sum + set.sum, 0) / sets.reduce((count, set) => count + set.sampleCount, 0);

  const busyCgroup = cgroupPercent(start.busy, end.busy);
  // Really busy (a spinning shell; how much of a core it gets depends on what else the host runs).
  expect(busyCgroup).toBeGreaterThan(5);
  expect(Math.abs(average(busy.map((m) => m.cpu)) - busyCgroup)).toBeLessThanOrEqual(CPU_TOLERANCE_POINTS);
  // Idle: near zero either way (one sample may catch a scheduling blip, so averages are compared).
  const idleCgroup = cgroupPercent(start.idle, end.idle);
  expect(idleCgroup).toBeLessThan(2);
  expect(Math.abs(average(idle.map((m) => m.cpu)) - idleCgroup)).toBeLessThanOrEqual(2);

  // Memory: the idle container's steady ~24 MiB, against the cgroup's usage without cache.
  expect(end.idleMemory).toBeGreaterThan(20);
  for (const { memory } of idle) {
    expect(Math.abs(memory.min - end.idleMemory)).toBeLessThanOrEqual(MEMORY_TOLERANCE_MIB);
    expect(Math.abs(memory.max - end.idleMemory)).toBeLessThanOrEqual(MEMORY_TOLERANCE_MIB);
  }

  await bed.stopTask(taskArn!);
  await bed.waitForStatus(taskArn!, 'STOPPED');
}, 150_000);

it('a container whose Docker health check fails is published UNHEALTHY on TCS, a passing one HEALTHY', async () => {
  const [taskArn] = await bed.run({
    family: 'health',
    containerDefinitions: [
      {
        name: 'sick',
        image: IMAGE,
        essential: true,
        memory: 32,
        command: ['sleep', '600'],
        healthCheck: { command: ['CMD-SHELL', 'exit 1'], interval: 5, timeout: 2, retries: 1, startPeriod: 0 },
      },
      {
        name: 'well',
        image: IMAGE,
        essential: true,
        memory: 32,
        command: ['sleep', '600'],
        healthCheck: { command: ['CMD-SHELL', 'exit 0'], interval: 5, timeout: 2, retries: 1, startPeriod: 0 },
      },
    ],
  });
  await bed.waitForStatus(taskArn!, 'RUNNING');
  const health = await waitFor(
    'task health with both containers checked',
    () => {
      const published = bed.harness.controlPlane.telemetry(instanceArn)?.health[taskArn!];
      const statuses = Object.fromEntries((published?.containers ?? []).map((container) => [container.containerName, container.healthStatus]));
      return statuses.sick === 'UNHEALTHY' && statuses.well === 'HEALTHY' ? published : undefined;
    },
    // Docker runs the checks every 5 s; on a loaded 2-core host an exec can take many seconds.
    90_000,
  );
  expect(health.taskDefinitionFamily).toBe(`health-${bed.runId}`);
  expect(health.containers).toHaveLength(2);
  for (const container of health.containers ?? []) expect(container.statusSince).toEqual(expect.any(Number));
  // Docker agrees.
  const sick = containersOf(taskArn!).sick!.Id;
  expect(execFileSync('docker', ['inspect', '--format', '{{.State.Health.Status}}', sick], { encoding: 'utf8' }).trim()).toBe('unhealthy');

  await bed.stopTask(taskArn!);
  await bed.waitForStatus(taskArn!, 'STOPPED');
}, 150_000);
