import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Clock, HostPaths, Logger } from '@fractal-ecs/common';

/** Device nodes under <root>/dev; /dev itself in production. */
export function devDir(paths: HostPaths): string {
  return path.join(paths.root, 'dev');
}

/** Whether any /dev/nvidia* node exists (upstream's glob): the host has NVIDIA GPUs and a loaded driver. */
export async function nvidiaDevicesPresent(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw new Error(`cannot list ${dir} for NVIDIA devices: ${error.message}`);
  });
  return names.some((name) => name.startsWith('nvidia'));
}

/** Upstream waits this long for the driver to create device nodes on a GPU AMI that boots fast. */
export const GPU_DEVICE_RETRIES = 10;
export const GPU_DEVICE_RETRY_DELAY_MS = 3_000;

/**
 * Checks for /dev/nvidia*, then up to 10 more times 3 s apart, logging each retry as upstream does.
 * False when the devices never appear.
 */
export async function waitForNvidiaDevices(options: { dir: string; clock: Clock; log: Pick<Logger, 'warn'> }): Promise<boolean> {
  if (await nvidiaDevicesPresent(options.dir)) return true;
  for (let attempt = 1; attempt <= GPU_DEVICE_RETRIES; attempt++) {
    options.log.warn(`NVIDIA GPU devices are not yet present, retrying (attempt ${attempt}/${GPU_DEVICE_RETRIES}) in ${GPU_DEVICE_RETRY_DELAY_MS * 1_000_000} nanoseconds`);
    await options.clock.sleep(GPU_DEVICE_RETRY_DELAY_MS);
    if (await nvidiaDevicesPresent(options.dir)) return true;
  }
  return false;
}
