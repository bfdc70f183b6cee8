// The task engine against its floor. The agent (the built dist/amazon-ecs-agent, its own process) runs
// tasks dispatched by the local control plane; a recording proxy in front of the control plane stamps
// when each state change arrives. The floor is the same containers created and started with raw
// Engine API calls (dockerode), at the concurrency that is fastest here.
//   1. one task (a port mapping and a bind mount): RunTask (the payload goes out) -> RUNNING reported
//   2. Docker's FinishedAt -> STOPPED reported: an essential container exiting, and StopTask
//   3. a burst of 20 one-container tasks: all RUNNING reported, then all STOPPED after StopTask
//   4. agent RSS idle and with 20 running tasks; agent CPU seconds over 60 s with 20 running (stats off)
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Dockerode from 'dockerode';
import { describeInstance } from '../packages/agent/test/agent-harness';
import { EngineTestBed } from '../packages/agent/test/engine/engine-harness';
import type { RecordingProxy } from '../packages/agent/test/engine/recording-proxy';
import { importBusyboxImage } from '../packages/agent/test/support/busybox-image';
import { writeResult } from './lib/results';

const BURST = Number(process.env.BENCH_BURST ?? 20);
const CPU_SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const IMAGE = 'fractal-ecs/bench-busybox:engine';
const LABEL = 'fractal-ecs.bench.engine';
const docker = new Dockerode();
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const binary = path.join(root, 'packages/agent/dist/amazon-ecs-agent');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Arrival time (performance.now) of each state change the proxy records, by task and status. */
class Arrivals {
  readonly at = new Map<string, number>();
  constructor(private readonly proxy: RecordingProxy) {}
  poll(): void {
    for (const { body } of this.proxy.seen.splice(0)) {
      if (body.status && body.status !== 'PENDING' && !this.at.has(`${body.task}:${body.status}`)) this.at.set(`${body.task}:${body.status}`, performance.now() + performance.timeOrigin);
    }
  }
  async wait(keys: string[], timeoutMs = 120_000): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.poll();
      if (keys.every((key) => this.at.has(key))) return keys.map((key) => this.at.get(key)!);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${keys.filter((key) => !this.at.has(key)).join(', ')}`);
      await sleep(2);
    }
  }
}

function procStat(pid: number): { rssMiB: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { rssMiB: round(rssKiB / 1024), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}

/** The floor: create + start `count` containers with raw Engine API calls, `concurrency` at a time. */
async function floor(count: number, concurrency: number, hostDir: string): Promise<{ ms: number; ids: string[] }> {
  const started = performance.now();
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const container = await docker.createContainer({
          Image: IMAGE,
          Cmd: ['httpd', '-f', '-p', '80'],
          Labels: { [LABEL]: '1' },
          ExposedPorts: { '80/tcp': {} },
          HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '' }] }, Binds: [`${hostDir}:/data`], Memory: 32 * 1024 * 1024, CpuShares: 2 },
        });
        await container.start();
        ids.push(container.id);
      }
    }),
  );
  return { ms: performance.now() - started, ids };
}

async function removeFloor(ids: string[]): Promise<void> {
  await Promise.all(ids.map((id) => docker.getContainer(id).remove({ force: true, v: true })));
}

async function main(): Promise<void> {
  if (!existsSync(binary)) execFileSync('pnpm', ['run', 'build'], { cwd: path.join(root, 'packages/agent'), stdio: 'inherit' });
  await importBusyboxImage([IMAGE], { labels: { [LABEL]: '1' }, env: { PATH: '/bin' } });
  const hostDir = mkdtempSync(path.join(tmpdir(), 'bench-bind-'));
  const bed = await new EngineTestBed().start();
  const CLUSTER = bed.cluster;
  const proxy = bed.proxy;
  const agent = spawn(process.execPath, [binary], {
    env: {
      PATH: process.env.PATH ?? '',
      ...bed.agentEnv({
        ECS_EXTERNAL: 'true',
        ECS_AGENT_CONFIG_FILE_PATH: path.join(hostDir, 'none.json'),
        ECS_CONTAINER_STOP_TIMEOUT: '2s',
        ECS_LOGLEVEL: 'warn',
      }),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const arrivals = new Arrivals(proxy);
  const figures: Record<string, unknown> = {};
  try {
    await describeInstance(bed.harness, CLUSTER);
    await sleep(3000);
    const idle = procStat(agent.pid!);

    // Floor: the best concurrency for create + start of BURST containers.
    const floors: Record<string, number> = {};
    for (const concurrency of [1, 2, 4, 8]) {
      const run = await floor(BURST, concurrency, hostDir);
      floors[concurrency] = round(run.ms);
      await removeFloor(run.ids);
    }
    const best = Number(Object.entries(floors).sort((a, b) => a[1] - b[1])[0]![0]);
    const singleFloor: number[] = [];
    for (let i = 0; i < 5; i++) {
      const run = await floor(1, 1, hostDir);
      singleFloor.push(run.ms);
      await removeFloor(run.ids);
    }

    const register = (family: string, command: string[], more: object = {}) =>
      bed.register({ family, containerDefinitions: [{ name: 'main', image: IMAGE, memory: 32, essential: true, command, ...more }], volumes: [{ name: 'data', host: { sourcePath: hostDir } }] });
    const web = await register('web', ['httpd', '-f', '-p', '80'], { portMappings: [{ containerPort: 80, hostPort: 0 }], mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] });
    const exiting = await register('exits', ['sh', '-c', 'sleep 1; exit 0']);
    const run = (definition: string, count = 1) => bed.run(definition, count);
    const stop = (arn: string) => bed.stopTask(arn);
    const finishedAt = (arn: string) => {
      const id = execFileSync('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=com.amazonaws.ecs.task-arn=${arn}`], { encoding: 'utf8' }).trim();
      return Date.parse(JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' }))[0].State.FinishedAt);
    };

    // 1. One task to RUNNING, five times.
    const single: number[] = [];
    const stopped: number[] = [];
    for (let i = 0; i < 5; i++) {
      const sent = performance.now() + performance.timeOrigin;
      const [arn] = await run(web);
      const [running] = await arrivals.wait([`${arn}:RUNNING`]);
      single.push(running! - sent);
      await stop(arn!);
      const [stopArrival] = await arrivals.wait([`${arn}:STOPPED`]);
      stopped.push(stopArrival! - finishedAt(arn!));
    }
    // 2. An essential container exiting by itself.
    const exited: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [arn] = await run(exiting);
      const [arrival] = await arrivals.wait([`${arn}:STOPPED`]);
      exited.push(arrival! - finishedAt(arn!));
    }
    // 3. The burst.
    const burstStart = performance.now() + performance.timeOrigin;
    // RunTask starts at most 10 tasks per call (as ECS): the burst is its calls at once.
    const calls = Array.from({ length: Math.ceil(BURST / 10) }, (_, index) => Math.min(10, BURST - index * 10));
    const burst = (await Promise.all(calls.map((count) => run(web, count)))).flat();
    const runningAt = await arrivals.wait(burst.map((arn) => `${arn}:RUNNING`));
    const burstRunningMs = Math.max(...runningAt) - burstStart;
    await sleep(3000);
    const loaded = procStat(agent.pid!);
    const cpuBefore = procStat(agent.pid!).cpuSeconds;
    await sleep(CPU_SECONDS * 1000);
    const cpuSeconds = procStat(agent.pid!).cpuSeconds - cpuBefore;
    const stopStart = performance.now() + performance.timeOrigin;
    await Promise.all(burst.map(stop));
    const stoppedAt = await arrivals.wait(burst.map((arn) => `${arn}:STOPPED`));
    const burstStoppedMs = Math.max(...stoppedAt) - stopStart;
    // The floor of the stop: the same number of raw stops of running containers.
    const floorRun = await floor(BURST, best, hostDir);
    const floorStopStart = performance.now();
    await Promise.all(floorRun.ids.map((id) => docker.getContainer(id).stop({ t: 2 })));
    const floorStopMs = performance.now() - floorStopStart;
    await removeFloor(floorRun.ids);

    Object.assign(figures, {
      oneTaskToRunningMs: { median: round(median(single)), all: single.map((v) => round(v)), floorMedian: round(median(singleFloor)), target: 'floor + 30 ms' },
      exitToStoppedReportedMs: { essentialExit: { median: round(median(exited)), all: exited.map((v) => round(v)) }, stopTask: { median: round(median(stopped)), all: stopped.map((v) => round(v)) }, target: '60 ms' },
      burst: {
        tasks: BURST,
        allRunningReportedMs: round(burstRunningMs),
        floorCreateStartMs: floors[best],
        floorByConcurrency: floors,
        allStoppedReportedMs: round(burstStoppedMs),
        floorStopMs: round(floorStopMs),
        target: 'within 5% of the floor',
      },
      rssMiB: { idle: idle.rssMiB, withTasks: loaded.rssMiB, growth: round(loaded.rssMiB - idle.rssMiB), targets: 'idle <= 50 MiB, growth <= 11 MiB' },
      cpuSecondsWithTasks: { seconds: CPU_SECONDS, cpuSeconds: round(cpuSeconds, 2), target: '<= 0.3 s' },
    });
    console.log(JSON.stringify(figures, null, 2));
    console.log(`bench: wrote ${writeResult('engine', figures)}`);
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    agent.kill('SIGTERM');
    await new Promise((resolve) => agent.once('exit', resolve));
    const leftovers = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.amazonaws.ecs.cluster=${CLUSTER}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const floorLeft = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    // Task containers carry the image's label too: one list without duplicates.
    const all = [...new Set([...leftovers, ...floorLeft])];
    if (all.length) execFileSync('docker', ['rm', '-f', '-v', ...all], { stdio: 'ignore' });
    execFileSync('docker', ['rmi', '-f', IMAGE], { stdio: 'ignore' });
    await bed.cleanup();
    rmSync(hostDir, { recursive: true, force: true });
  }
}

await main();
