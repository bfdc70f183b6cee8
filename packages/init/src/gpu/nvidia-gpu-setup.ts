import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandRunner, HostPaths, Logger } from '@fractal-ecs/common';
import { devDir, nvidiaDevicesPresent } from './nvidia-devices';

export const NVIDIA_GPU_INFO_FILE_NAME = 'nvidia-gpu-info.json';
const NVIDIA_SMI = 'nvidia-smi';
const QUERY = ['--query-gpu=uuid,driver_version', '--format=csv,noheader'];
const EULA = 'By using the GPU Optimized AMI, you agree to Nvidia’s End User License Agreement: https://www.nvidia.com/en-us/about-nvidia/eula-agreement/';

export interface GpuInventory {
  driverVersion: string;
  gpuIds: string[];
}

/**
 * Parses `nvidia-smi --query-gpu=uuid,driver_version --format=csv,noheader`: one "<uuid>, <version>"
 * line per GPU. Lines that are not a GPU UUID are skipped (upstream skips GPUs NVML cannot name).
 */
export function parseNvidiaSmiOutput(output: string): GpuInventory {
  const gpus = output
    .split('\n')
    .map((line) => line.split(',').map((field) => field.trim()))
    .filter(([uuid]) => uuid?.startsWith('GPU-'));
  return { driverVersion: gpus[0]?.[1] ?? '', gpuIds: gpus.map(([uuid]) => uuid!) };
}

/**
 * Pre-start's GPU step (upstream's NVIDIA GPU manager): on a host with /dev/nvidia* devices, asks
 * nvidia-smi for the GPU UUIDs and driver version and writes them to
 * <root>/var/lib/ecs/gpu/nvidia-gpu-info.json for the agent. A host without the devices is not a GPU
 * host: nothing is written and nothing fails.
 */
export class NvidiaGpuSetup {
  constructor(private readonly deps: { paths: HostPaths; runner: CommandRunner; log: Pick<Logger, 'info'> }) {}

  get infoFile(): string {
    return path.join(this.deps.paths.gpuDir, NVIDIA_GPU_INFO_FILE_NAME);
  }

  async setup(): Promise<void> {
    const { paths, runner, log } = this.deps;
    log.info(EULA);
    if (!(await nvidiaDevicesPresent(devDir(paths)))) return;
    const inventory = await this.query(runner);
    if (inventory.gpuIds.length === 0) throw new Error('setup failed: error initializing GPU devices: nvidia-smi listed no GPUs');
    await mkdir(paths.gpuDir, { recursive: true, mode: 0o700 });
    // Upstream's modes: the directory and the file 0700.
    await writeFile(this.infoFile, JSON.stringify({ DriverVersion: inventory.driverVersion, GPUIDs: inventory.gpuIds }), { mode: 0o700 });
    await chmod(this.infoFile, 0o700);
    log.info(`Found ${inventory.gpuIds.length} NVIDIA GPUs, driver version ${inventory.driverVersion}`);
  }

  private async query(runner: CommandRunner): Promise<GpuInventory> {
    if (!(await runner.lookPath(NVIDIA_SMI))) throw new Error(`setup failed: ${NVIDIA_SMI} is not on PATH; it comes with the NVIDIA driver`);
    let result;
    try {
      result = await runner.run(NVIDIA_SMI, QUERY);
    } catch (error) {
      throw new Error(`setup failed: cannot run ${NVIDIA_SMI}: ${(error as Error).message}`);
    }
    if (result.exitCode !== 0) throw new Error(`setup failed: ${NVIDIA_SMI} ${QUERY.join(' ')} exited ${result.exitCode}: ${result.all.trim()}`);
    return parseNvidiaSmiOutput(result.stdout);
  }
}
