import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { buildTaggedBusyboxImage, removeImages } from '../support/busybox-image';
import { describeInstance } from '../agent-harness';
import { EngineTestBed } from './engine-harness';

// Restart recovery: the agent process is killed with SIGKILL while tasks start and run, a container
// exits while it is down, and a new process on the same ECS_DATADIR takes over from its checkpoint.

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const cli = path.join(repo, 'packages/agent/src/cli.ts');
const image = `fractal-engine-test/busybox:restart-${process.pid}`;

let bed: EngineTestBed;
const children: ChildProcess[] = [];

beforeAll(async () => {
  await buildTaggedBusyboxImage([image]);
  bed = await new EngineTestBed().start();
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await bed?.cleanup();
  removeImages([image]);
});

/** The agent as its own process (run from source with tsx), so it can be SIGKILLed. */
function startAgentProcess(): { child: ChildProcess; output: { text: string } } {
  const output = { text: '' };
  const child = spawn(process.execPath, ['--import', 'tsx', cli], {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '', ...bed.agentEnv({ ECS_EXTERNAL: 'true', ECS_CONTAINER_STOP_TIMEOUT: '2s', ECS_AGENT_CONFIG_FILE_PATH: '/nonexistent/config.json' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  children.push(child);
  return { child, output };
}

const container = (name: string, command: string): ContainerDefinition => ({ name, image, memory: 32, essential: true, command: ['sh', '-c', command] });

async function until(what: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('restart recovery', () => {
  it('after SIGKILL, a new agent adopts running containers, reports the ones that stopped, finishes starting the rest, and the control plane sees every change (only a report in flight at the kill may repeat)', async () => {
    const first = startAgentProcess();
    await describeInstance(bed.harness, bed.cluster);
    const [longRunning] = await bed.run({ family: 'long', containerDefinitions: [container('main', 'sleep 600')] });
    const [exitsWhileDown] = await bed.run({ family: 'exits', containerDefinitions: [container('main', 'sleep 8; exit 3')] });
    await bed.waitForStatus(longRunning!, 'RUNNING', 90_000);
    await bed.waitForStatus(exitsWhileDown!, 'RUNNING', 90_000);

    // A burst of two-container tasks; the agent dies while they start (some of their containers run).
    const burst = await bed.run({ family: 'burst', containerDefinitions: [container('a', 'sleep 600'), container('b', 'sleep 600')] }, 4);
    await until('burst containers starting', () => bed.containers().filter((c) => c.name.includes('-burst-') && c.state === 'running').length >= 3, 90_000);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    // Docker keeps going without the agent: the short task exits meanwhile.
    await until('the short task to exit in Docker', () => bed.containers().filter((c) => c.state === 'exited').length >= 1, 30_000);

    const second = startAgentProcess();
    const stopped = await bed.waitForStatus(exitsWhileDown!, 'STOPPED', 90_000);
    expect(EngineTestBed.exitCodes(stopped)).toEqual({ main: 3 });
    for (const arn of burst) await bed.waitForStatus(arn, 'RUNNING', 90_000);
    const stillRunning = await bed.describe(longRunning!);
    expect(stillRunning.lastStatus).toBe('RUNNING');

    // One Docker container per task container: nothing duplicated, nothing orphaned.
    const names = bed.containers().map((c) => c.name);
    expect(names).toHaveLength(2 + burst.length * 2);

    for (const arn of [longRunning!, ...burst]) await bed.stopTask(arn);
    for (const arn of [longRunning!, ...burst]) await bed.waitForStatus(arn, 'STOPPED', 90_000);
    await until('the last reports', () => false === [longRunning!, exitsWhileDown!, ...burst].some((arn) => !bed.proxy.changesFor(arn).includes('task:STOPPED')));

    // A submission ECS accepted in the instant before the SIGKILL, before its sent status reached the
    // checkpoint, is sent again by the new process (at-least-once: no agent can know the answer it never
    // read; ECS, like our control plane, takes a repeated status as a no-op). So: every change arrives,
    // nothing else does, and only the RUNNING reports that were in flight at the kill may repeat; every
    // report after the restart arrives exactly once.
    const once = (arn: string) => [...new Set(bed.proxy.changesFor(arn))].sort();
    const repeated = (arn: string) => bed.proxy.changesFor(arn).filter((change, i, all) => all.indexOf(change) !== i);
    for (const arn of [longRunning!, exitsWhileDown!]) expect(once(arn)).toEqual(['main:RUNNING', 'main:STOPPED', 'task:RUNNING', 'task:STOPPED']);
    for (const arn of burst) expect(once(arn)).toEqual(['a:RUNNING', 'a:STOPPED', 'b:RUNNING', 'b:STOPPED', 'task:RUNNING', 'task:STOPPED']);
    for (const arn of [longRunning!, exitsWhileDown!, ...burst]) expect(repeated(arn).filter((change) => !change.endsWith(':RUNNING'))).toEqual([]);
    for (const arn of [longRunning!, exitsWhileDown!]) expect(repeated(arn)).toEqual([]);
    expect(second.output.text).toContain('Restored tasks from the checkpoint');
    second.child.kill('SIGTERM');
    expect(await new Promise((resolve) => second.child.once('exit', resolve))).toBe(0);
  }, 240_000);
});
