import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HostPaths, type CommandResult, type CommandRunner } from '@fractal-ecs/common';
import { recordingLogger } from '../../test/recording-logger';
import { NvidiaGpuSetup, parseNvidiaSmiOutput } from './nvidia-gpu-setup';

const SMI_OUTPUT = 'GPU-11111111-2222-3333-4444-555555555555, 535.104.05\nGPU-66666666-7777-8888-9999-000000000000, 535.104.05\n';

function runner(result: Partial<CommandResult> & { onPath?: boolean } = {}) {
  const calls: string[][] = [];
  const fake: CommandRunner = {
    async run(file, args) {
      calls.push([file, ...args]);
      return { exitCode: 0, stdout: SMI_OUTPUT, stderr: '', all: SMI_OUTPUT, ...result };
    },
    lookPath: async () => result.onPath ?? true,
  };
  return { fake, calls };
}

describe('parseNvidiaSmiOutput', () => {
  it('reads one GPU UUID per line and the driver version', () => {
    expect(parseNvidiaSmiOutput(SMI_OUTPUT)).toEqual({
      driverVersion: '535.104.05',
      gpuIds: ['GPU-11111111-2222-3333-4444-555555555555', 'GPU-66666666-7777-8888-9999-000000000000'],
    });
  });

  it('skips lines that name no GPU', () => {
    expect(parseNvidiaSmiOutput('[Unknown Error], 535.1\nGPU-a, 535.1\n\n')).toEqual({ driverVersion: '535.1', gpuIds: ['GPU-a'] });
  });
});

describe('NvidiaGpuSetup', () => {
  let root: string;
  let paths: HostPaths;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ecs-init-gpu-'));
    paths = new HostPaths(root);
    mkdirSync(path.join(root, 'dev'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes the inventory ecs-init hands the agent, with upstream modes, on a host with NVIDIA devices', async () => {
    writeFileSync(path.join(root, 'dev/nvidia0'), '');
    const { fake, calls } = runner();
    const setup = new NvidiaGpuSetup({ paths, runner: fake, log: recordingLogger().log });
    await setup.setup();
    expect(calls).toEqual([['nvidia-smi', '--query-gpu=uuid,driver_version', '--format=csv,noheader']]);
    expect(setup.infoFile).toBe(path.join(root, 'var/lib/ecs/gpu/nvidia-gpu-info.json'));
    expect(JSON.parse(readFileSync(setup.infoFile, 'utf8'))).toEqual({
      DriverVersion: '535.104.05',
      GPUIDs: ['GPU-11111111-2222-3333-4444-555555555555', 'GPU-66666666-7777-8888-9999-000000000000'],
    });
    expect(statSync(setup.infoFile).mode & 0o777).toBe(0o700);
    expect(statSync(paths.gpuDir).mode & 0o777).toBe(0o700);
  });

  it('does nothing, successfully, on a host without NVIDIA devices', async () => {
    const { fake, calls } = runner();
    const { log, messages } = recordingLogger();
    await new NvidiaGpuSetup({ paths, runner: fake, log }).setup();
    expect(calls).toEqual([]);
    expect(existsSync(paths.gpuDir)).toBe(false);
    expect(messages('info')[0]).toContain('End User License Agreement');
  });

  it.each([
    ['nvidia-smi is missing', { onPath: false }, 'setup failed: nvidia-smi is not on PATH'],
    ['nvidia-smi fails', { exitCode: 9, all: 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver' }, 'exited 9: NVIDIA-SMI has failed'],
    ['no GPU is listed', { stdout: '' }, 'setup failed: error initializing GPU devices'],
  ])('fails with a clear error when %s', async (_case, result, message) => {
    writeFileSync(path.join(root, 'dev/nvidia0'), '');
    await expect(new NvidiaGpuSetup({ paths, runner: runner(result).fake, log: recordingLogger().log }).setup()).rejects.toThrow(message);
    expect(existsSync(path.join(paths.gpuDir, 'nvidia-gpu-info.json'))).toBe(false);
  });
});
