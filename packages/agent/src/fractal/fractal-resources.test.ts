import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Task } from '../api';
import type { FractalSettings } from '../config';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { devicePool } from './device-pool';
import { FractalResources } from './fractal-resources';
import { acsContainer, containerNamed, taskModel } from './fractal-test-model';

const P = '%%FRACTAL_ID_PLACEHOLDER%%';
let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fractal-host-'));
  mkdirSync(path.join(root, 'dev/fractal'), { recursive: true });
  for (const n of [0, 1, 2]) execFileSync('mknod', [path.join(root, `dev/fractal/dev${n}`), 'c', '1', '3']);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function settings(extra: Partial<FractalSettings> = {}): FractalSettings {
  return { deviceProvider: 'pool', devicePool: ['/dev/fractal/dev*'], devicesPerContainer: 1, dirMode: 0o750, keepDirs: false, socketsDir: `/fractal/temp/${P}/sockets`, hostRoot: root, ...extra };
}

function fractalTask(arn = 'a'): Task {
  return taskModel(
    [acsContainer('one', { mountPoints: [{ sourceVolume: 'cfg', containerPath: '/cfg:rshared' }] }), acsContainer('two', { mountPoints: [{ sourceVolume: 'cfg', containerPath: '/cfg' }] })],
    { arn: `arn:aws:ecs:us-east-1:000000000000:task/default/${arn}`, volumes: [{ name: 'cfg', type: 'host', host: { sourcePath: `/fractal/${P}/configs/unpacked` } }] },
  );
}

/** Counting random bytes: the n-th ID is 29 zero bytes then n. */
function countingBytes() {
  let n = 0;
  return { bytes: (length: number) => Object.assign(new Uint8Array(length), { [length - 1]: ++n }) };
}

function manager(tasks: Task[], extra: Partial<FractalSettings> = {}, saves: (() => void)[] = []) {
  const config = settings(extra);
  return new FractalResources({
    settings: config,
    provider: devicePool({ hostRoot: root, patterns: config.devicePool, perContainer: config.devicesPerContainer }),
    tasks: () => tasks,
    state: { save: async () => saves.forEach((save) => save()) },
    random: countingBytes(),
    logger: recordingLogger(),
  });
}

const idOf = (n: number) => `${'00'.repeat(29)}${n.toString(16).padStart(2, '0')}`;

describe('FractalResources', () => {
  it('gives each container its own FractalID, directories (configured mode, shared parents 0755) and device', async () => {
    const task = fractalTask();
    const resources = manager([task]);
    await resources.prepare(task, containerNamed(task, 'one'));
    await resources.prepare(task, containerNamed(task, 'two'));
    const [one, two] = task.containers.map((container) => container.fractal!);
    expect(one).toEqual({ id: idOf(1), dirs: [`/fractal/${idOf(1)}`], devices: ['/dev/fractal/dev0'], provider: 'pool' });
    expect(two).toEqual({ id: idOf(2), dirs: [`/fractal/${idOf(2)}`], devices: ['/dev/fractal/dev1'], provider: 'pool' });
    for (const dir of [`fractal/${idOf(1)}`, `fractal/${idOf(1)}/configs`, `fractal/${idOf(1)}/configs/unpacked`]) {
      expect(statSync(path.join(root, dir)).mode & 0o7777).toBe(0o750);
    }
    expect(statSync(path.join(root, 'fractal')).mode & 0o7777).toBe(0o755);
    expect(existsSync(path.join(root, `fractal/${idOf(2)}/configs/unpacked`))).toBe(true);
  });

  it('checkpoints the ID and directories before making them', async () => {
    const task = fractalTask();
    const seen: boolean[] = [];
    const resources = manager([task], {}, [() => seen.push(existsSync(path.join(root, `fractal/${idOf(1)}`)))]);
    await resources.prepare(task, containerNamed(task, 'one'));
    expect(seen[0]).toBe(false);
    expect(existsSync(path.join(root, `fractal/${idOf(1)}/configs/unpacked`))).toBe(true);
  });

  it('skips an ID another container holds, or whose directory exists on the host', async () => {
    const other = fractalTask('other');
    other.containers[0]!.fractal = { id: idOf(1), dirs: [], devices: [], provider: 'none' };
    mkdirSync(path.join(root, `fractal/${idOf(2)}`), { recursive: true });
    const task = fractalTask();
    await manager([other, task]).prepare(task, containerNamed(task, 'one'));
    expect(task.containers[0]!.fractal!.id).toBe(idOf(3));
  });

  it('never hands a device to two containers, even when their creates overlap', async () => {
    const a = fractalTask('a');
    const b = fractalTask('b');
    const resources = manager([a, b]);
    await Promise.all([...a.containers.map((c) => resources.prepare(a, c)), resources.prepare(b, b.containers[0]!)]);
    const devices = [...a.containers, b.containers[0]!].flatMap((c) => c.fractal!.devices);
    expect(new Set(devices).size).toBe(3);
  });

  it('fails a container that cannot get its devices, with the reason, and hands released devices out again', async () => {
    const a = fractalTask('a');
    const b = fractalTask('b');
    const resources = manager([a, b], { devicesPerContainer: 2 });
    await resources.prepare(a, a.containers[0]!);
    await expect(resources.prepare(b, b.containers[0]!)).rejects.toThrow('the device pool has 1 free of 3 device nodes (ECS_FRACTAL_DEVICE_POOL=/dev/fractal/dev*); this container needs 2');
    expect(existsSync(path.join(root, `fractal/${b.containers[0]!.fractal!.id}`))).toBe(false);
    resources.release(a.containers[0]!);
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.containers[0]!.fractal!.devicesReleased).toBe(true);
    await resources.prepare(b, b.containers[1]!);
    expect(b.containers[1]!.fractal!.devices).toEqual(['/dev/fractal/dev0', '/dev/fractal/dev1']);
  });

  it('after a restart (state from the checkpoint) keeps IDs, directories and devices, and gives the held devices to no one else', async () => {
    const before = fractalTask('a');
    await manager([before]).prepare(before, before.containers[0]!);
    const restored = JSON.parse(JSON.stringify(before)) as Task;
    const fresh = fractalTask('b');
    const resources = manager([restored, fresh]);
    await resources.prepare(restored, restored.containers[0]!);
    expect(restored.containers[0]!.fractal).toEqual(before.containers[0]!.fractal);
    await resources.prepare(fresh, fresh.containers[0]!);
    expect(fresh.containers[0]!.fractal!.devices).toEqual(['/dev/fractal/dev1']);
    expect(fresh.containers[0]!.fractal!.id).not.toBe(before.containers[0]!.fractal!.id);
  });

  it('asks again for devices that died with an earlier agent process (uinput) when a create is retried', async () => {
    const task = fractalTask();
    const container = task.containers[0]!;
    container.fractal = { id: idOf(9), dirs: [`/fractal/${idOf(9)}`], devices: ['/dev/input/event5'], provider: 'uinput' };
    const provider = { name: 'uinput' as const, holds: () => false, acquire: async () => ['/dev/input/event7'], release: async () => undefined };
    const resources = new FractalResources({ settings: settings({ deviceProvider: 'uinput' }), provider, tasks: () => [task], state: { save: async () => undefined }, random: countingBytes(), logger: recordingLogger() });
    await resources.prepare(task, container);
    expect(container.fractal).toMatchObject({ id: idOf(9), devices: ['/dev/input/event7'] });
  });

  it('with uinput, also makes the sockets directory, tracked for cleanup like the others', async () => {
    const task = fractalTask();
    const container = task.containers[0]!;
    const provider = { name: 'uinput' as const, acquire: async () => ['/dev/input/event7'], release: async () => undefined };
    const resources = new FractalResources({ settings: settings({ deviceProvider: 'uinput' }), provider, tasks: () => [task], state: { save: async () => undefined }, random: countingBytes(), logger: recordingLogger() });
    await resources.prepare(task, container);
    expect(container.fractal!.dirs).toEqual([`/fractal/${idOf(1)}`, `/fractal/temp/${idOf(1)}`]);
    expect(statSync(path.join(root, `fractal/temp/${idOf(1)}/sockets`)).mode & 0o7777).toBe(0o750);
    await resources.cleanup(task);
    expect(existsSync(path.join(root, `fractal/temp/${idOf(1)}`))).toBe(false);
  });

  it('removes the container directories after cleanup, leaving the shared parents', async () => {
    const task = fractalTask();
    const resources = manager([task]);
    for (const container of task.containers) await resources.prepare(task, container);
    await resources.cleanup(task);
    expect(existsSync(path.join(root, `fractal/${idOf(1)}`))).toBe(false);
    expect(existsSync(path.join(root, `fractal/${idOf(2)}`))).toBe(false);
    expect(existsSync(path.join(root, 'fractal'))).toBe(true);
    expect(task.containers.every((c) => c.fractal!.dirsRemoved && c.fractal!.devicesReleased)).toBe(true);
  });

  it('keeps them with ECS_FRACTAL_KEEP_DIRS', async () => {
    const task = fractalTask();
    const resources = manager([task], { keepDirs: true });
    await resources.prepare(task, task.containers[0]!);
    await resources.cleanup(task);
    expect(existsSync(path.join(root, `fractal/${idOf(1)}/configs/unpacked`))).toBe(true);
  });
});
