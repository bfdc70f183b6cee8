import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListContainerInstancesCommand, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { FRACTAL_ID_LABEL } from '../../src/fractal';
import { introspectionTask } from '../../src/handlers';
import { waitFor } from '../agent-harness';
import { buildTaggedBusyboxImage, removeImages } from '../support/busybox-image';
import { EngineTestBed, type AgentHandle } from '../engine/engine-harness';

// The Fractal features through the local control plane and the real Docker engine: FractalIDs,
// placeholder binds with :rshared, per-container directories, pool devices, an agent SIGKILLed and
// restarted mid-task, a misplaced placeholder, and cleanup. Device nodes are char 1:3 (as /dev/null).

const P = '%%FRACTAL_ID_PLACEHOLDER%%';
const ALIAS = '%%FRACTAL_CONTAINER_SPECIFIC_DIR_PLACEHOLDER%%';
const IMAGE = 'fractal-ecs-test/busybox:fractal';
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');

let bed: EngineTestBed;
let base: string;
let child: ChildProcess | undefined;
let childOutput = '';

function fractalEnv(): Record<string, string> {
  return {
    ECS_FRACTAL_DEVICE_PROVIDER: 'pool',
    ECS_FRACTAL_DEVICE_POOL: `${base}/dev/ev*`,
    ECS_FRACTAL_DEVICES_PER_CONTAINER: '1',
    ECS_CONTAINER_STOP_TIMEOUT: '1s',
  };
}

function longRunning(name: string): NonNullable<RegisterTaskDefinitionCommandInput['containerDefinitions']>[number] {
  return {
    name,
    image: IMAGE,
    memory: 32,
    essential: true,
    command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'],
    mountPoints: [
      { sourceVolume: 'own', containerPath: `/own/${P}:rshared` },
      { sourceVolume: 'alias', containerPath: '/alias' },
    ],
    environment: [{ name: 'MY_ID', value: P }, { name: 'MY_DIR', value: `/own/${ALIAS}` }],
  };
}

function definition(family: string, containers: string[]): RegisterTaskDefinitionCommandInput {
  return {
    family,
    containerDefinitions: containers.map(longRunning),
    volumes: [
      { name: 'own', host: { sourcePath: `${base}/fractal/${P}/data` } },
      { name: 'alias', host: { sourcePath: `${base}/alias-${ALIAS}` } },
    ],
  };
}

interface Inspected {
  Id: string;
  Config: { Labels: Record<string, string> };
  HostConfig: { Binds: string[]; Devices: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[] | null };
}

function inspect(id: string): Inspected {
  return (JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' })) as Inspected[])[0]!;
}

function exec(id: string, script: string): string {
  return execFileSync('docker', ['exec', id, 'sh', '-c', script], { encoding: 'utf8' }).trim();
}

/** The task's Docker containers by ECS container name. */
function dockerContainers(taskArn: string): Record<string, Inspected> {
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.amazonaws.ecs.task-arn=${taskArn}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return Object.fromEntries(ids.map((id) => inspect(id)).map((info) => [info.Config.Labels['com.amazonaws.ecs.container-name']!, info]));
}

function startAgentProcess(): void {
  childOutput = '';
  // node itself runs the agent (tsx as a loader, not a wrapper process), so SIGKILL reaches the agent.
  child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'agent-process.ts')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...bed.agentEnv(fractalEnv()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (childOutput += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (childOutput += chunk.toString()));
}

beforeAll(async () => {
  // As on systemd hosts: rshared binds need their source on a shared mount.
  execFileSync('mount', ['--make-rshared', '/']);
  await buildTaggedBusyboxImage([IMAGE], ['sh']);
  base = mkdtempSync('/tmp/fractal-it-');
  mkdirSync(path.join(base, 'dev'));
  for (const n of [0, 1, 2]) execFileSync('mknod', [path.join(base, `dev/ev${n}`), 'c', '1', '3']);
  bed = await new EngineTestBed().start();
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await bed?.cleanup();
  removeImages([IMAGE]);
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('Fractal per-container resources', () => {
  let first: string;
  let ids: Record<string, string>;
  let devices: Record<string, string>;
  let agent: AgentHandle;

  it('gives two containers of one task distinct FractalIDs, filled-in binds and environment, their own directories and devices', async () => {
    startAgentProcess();
    await waitFor(
      'the agent process to register',
      async () => ((await bed.harness.api.send(new ListContainerInstancesCommand({ cluster: bed.cluster }))).containerInstanceArns?.length ?? 0) > 0,
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${childOutput}`);
    });
    [first] = (await bed.run(definition('fractal-two', ['a', 'b']))) as [string];
    await bed.waitForStatus(first, 'RUNNING', 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${childOutput}`);
    });
    const containers = dockerContainers(first);
    ids = { a: containers.a!.Config.Labels[FRACTAL_ID_LABEL]!, b: containers.b!.Config.Labels[FRACTAL_ID_LABEL]! };
    expect(ids.a).toMatch(/^[0-9a-f]{60}$/);
    expect(ids.b).toMatch(/^[0-9a-f]{60}$/);
    expect(ids.a).not.toBe(ids.b);
    devices = {};
    for (const name of ['a', 'b'] as const) {
      const info = containers[name]!;
      const id = ids[name]!;
      expect(info.HostConfig.Binds).toEqual([`${base}/fractal/${id}/data:/own/${id}:rshared`, `${base}/alias-${id}:/alias`]);
      expect(statSync(`${base}/fractal/${id}/data`).mode & 0o7777).toBe(0o755);
      expect(statSync(`${base}/fractal/${id}`).uid).toBe(0);
      expect(exec(info.Id, 'echo "$MY_ID $MY_DIR"')).toBe(`${id} /own/${id}`);
      // Inside, the container sees its own directory only.
      expect(exec(info.Id, 'ls /own')).toBe(id);
      exec(info.Id, 'echo mine > "$MY_DIR/owner"');
      expect(info.HostConfig.Devices).toHaveLength(1);
      const device = info.HostConfig.Devices![0]!;
      expect(device).toEqual({ PathOnHost: device.PathOnHost, PathInContainer: device.PathOnHost, CgroupPermissions: 'rwm' });
      expect(exec(info.Id, `test -c ${device.PathOnHost} && echo device`)).toBe('device');
      devices[name] = device.PathOnHost;
    }
    expect(new Set(Object.values(devices)).size).toBe(2);
    expect(readdirSync(`${base}/fractal/${ids.a}/data`)).toEqual(['owner']);
    expect(readdirSync(`${base}/fractal/${ids.b}/data`)).toEqual(['owner']);
  }, 120_000);

  it('keeps the IDs, directories and devices when the agent is SIGKILLed and restarted mid-task', async () => {
    child!.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    agent = bed.startAgent(fractalEnv(), { engineSettings: { drainIntervalMs: [200, 400], cleanupWaitMs: 1_000, cleanupWaitJitterMs: 0 } });
    const engine = await bed.waitForEngine(agent);
    const restored = engine.tasks().find((task) => task.arn === first)!;
    expect(Object.fromEntries(restored.containers.map((c) => [c.name, c.fractal?.id]))).toEqual(ids);
    expect(Object.fromEntries(restored.containers.map((c) => [c.name, c.fractal?.devices]))).toEqual({ a: [devices.a], b: [devices.b] });
    const listed = introspectionTask(engine.tasks().find((task) => task.arn === first)!);
    expect(Object.fromEntries(listed.Containers!.map((c) => [c.Name, c.FractalID]))).toEqual(ids);
    const containers = dockerContainers(first);
    expect(containers.a!.Config.Labels[FRACTAL_ID_LABEL]).toBe(ids.a);
    expect(exec(containers.b!.Id, 'cat "$MY_DIR/owner"')).toBe('mine');
    expect((await bed.describe(first)).lastStatus).toBe('RUNNING');

    // The third device is the only free one; a fourth container cannot get any.
    const [second] = (await bed.run(definition('fractal-one', ['c']))) as [string];
    await bed.waitForStatus(second, 'RUNNING', 60_000);
    const c = dockerContainers(second).c!;
    const free = [0, 1, 2].map((n) => `${base}/dev/ev${n}`).filter((device) => !Object.values(devices).includes(device));
    expect(c.HostConfig.Devices!.map((d) => d.PathOnHost)).toEqual(free);
    const [starved] = (await bed.run(definition('fractal-starved', ['d']))) as [string];
    const stopped = await bed.waitForStatus(starved, 'STOPPED', 60_000);
    expect(stopped.containers![0]!.reason).toContain('the device pool has 0 free of 3 device nodes');
    expect((await bed.describe(first)).lastStatus).toBe('RUNNING');
    await bed.stopTask(second);
    await bed.waitForStatus(second, 'STOPPED', 60_000);
  }, 120_000);

  it('fails a task with a placeholder in a Docker volume option alone, with the field named', async () => {
    const [bad] = (await bed.run({
      family: 'fractal-bad',
      containerDefinitions: [{ name: 'x', image: IMAGE, memory: 16, essential: true, mountPoints: [{ sourceVolume: 'v', containerPath: '/v' }] }],
      volumes: [{ name: 'v', dockerVolumeConfiguration: { scope: 'task', driver: 'local', driverOpts: { type: 'none', o: 'bind', device: `${base}/${P}` } } }],
    })) as [string];
    const stopped = await bed.waitForStatus(bad, 'STOPPED', 60_000);
    expect(stopped.stoppedReason).toContain('volumes[0].dockerVolumeConfiguration.driverOpts.device');
    expect(dockerContainers(bad)).toEqual({});
    expect(readdirSync(base).some((entry) => entry.includes('%%'))).toBe(false);
    expect((await bed.describe(first)).lastStatus).toBe('RUNNING');
  }, 120_000);

  it('frees the devices when the containers stop, hands them out again, and removes the directories after cleanup', async () => {
    await bed.stopTask(first);
    await bed.waitForStatus(first, 'STOPPED', 60_000);
    const [again] = (await bed.run(definition('fractal-again', ['e', 'f']))) as [string];
    await bed.waitForStatus(again, 'RUNNING', 60_000);
    const reused = Object.values(dockerContainers(again)).map((info) => info.HostConfig.Devices![0]!.PathOnHost);
    expect(reused.sort()).toEqual([devices.a, devices.b].sort());
    await waitFor('the stopped task cleaned up', () => !existsSync(`${base}/fractal/${ids.a}`) && !existsSync(`${base}/fractal/${ids.b}`) && !existsSync(`${base}/alias-${ids.a}`), 60_000);
    expect(dockerContainers(first)).toEqual({});
    // Only the new task's directories remain next to the shared parent.
    expect(readdirSync(`${base}/fractal`)).toHaveLength(2);
    await bed.stopTask(again);
    await bed.waitForStatus(again, 'STOPPED', 60_000);
  }, 120_000);
});
