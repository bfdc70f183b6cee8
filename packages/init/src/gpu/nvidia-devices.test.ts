import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fakeClock } from '../../test/engine-fakes';
import { recordingLogger } from '../../test/recording-logger';
import { nvidiaDevicesPresent, waitForNvidiaDevices } from './nvidia-devices';

describe('NVIDIA device nodes', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ecs-init-dev-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are present when any nvidia* node exists, absent otherwise (a missing /dev included)', async () => {
    writeFileSync(path.join(dir, 'null'), '');
    await expect(nvidiaDevicesPresent(dir)).resolves.toBe(false);
    writeFileSync(path.join(dir, 'nvidiactl'), '');
    await expect(nvidiaDevicesPresent(dir)).resolves.toBe(true);
    await expect(nvidiaDevicesPresent(path.join(dir, 'missing'))).resolves.toBe(false);
  });

  it('are waited for 10 times 3 s, with upstream warning, then given up on', async () => {
    const calls: string[] = [];
    const clock = fakeClock(calls);
    const { log, messages } = recordingLogger();
    await expect(waitForNvidiaDevices({ dir, clock, log })).resolves.toBe(false);
    expect(clock.sleeps).toEqual(Array(10).fill(3000));
    expect(messages('warn')[0]).toBe('NVIDIA GPU devices are not yet present, retrying (attempt 1/10) in 3000000000 nanoseconds');
    expect(messages('warn')).toHaveLength(10);
  });

  it('stop being waited for as soon as a late device appears', async () => {
    const calls: string[] = [];
    const clock = fakeClock(calls);
    const sleep = clock.sleep;
    clock.sleep = async (ms) => {
      await sleep(ms);
      if (clock.sleeps.length === 2) writeFileSync(path.join(dir, 'nvidia0'), '');
    };
    const { log } = recordingLogger();
    await expect(waitForNvidiaDevices({ dir, clock, log })).resolves.toBe(true);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('are not waited for on a GPU host', async () => {
    writeFileSync(path.join(dir, 'nvidia0'), '');
    const clock = fakeClock([]);
    await expect(waitForNvidiaDevices({ dir, clock, log: recordingLogger().log })).resolves.toBe(true);
    expect(clock.sleeps).toEqual([]);
  });
});
