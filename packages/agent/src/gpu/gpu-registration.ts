import type { Logger } from '@fractal-ecs/common';
import type { Attribute, PlatformDevice } from '../wire';
import { readNvidiaGpuInfo, type NvidiaGpuInfo } from './nvidia-gpu-info';

/** What the GPUs add to RegisterContainerInstance. */
export interface GpuRegistration {
  readonly platformDevices: PlatformDevice[];
  /** Appended to the capability attributes. */
  readonly attributes: Attribute[];
}

export const NO_GPUS: GpuRegistration = { platformDevices: [], attributes: [] };

/**
 * Upstream's registration of GPUs: each GPU a platform device {id: uuid, type: GPU}, and the driver
 * version both as the name-only `ecs.capability.nvidia-driver-version.<ver>` and as the value of
 * `ecs.capability.gpu-driver-version` (the newer form placement constraints use).
 */
export function gpuRegistration(info: NvidiaGpuInfo): GpuRegistration {
  const attributes: Attribute[] =
    info.driverVersion === ''
      ? []
      : [{ name: `ecs.capability.nvidia-driver-version.${info.driverVersion}` }, { name: 'ecs.capability.gpu-driver-version', value: info.driverVersion }];
  return { platformDevices: info.gpuIds.map((id) => ({ id, type: 'GPU' })), attributes };
}

/**
 * ECS_ENABLE_GPU_SUPPORT: the GPUs ecs-init found. A missing file is logged and registration goes on
 * without GPUs, as upstream; an unreadable or malformed one rejects (upstream exits 1).
 */
export async function loadGpuRegistration(enabled: boolean, file: string, logger: Logger): Promise<GpuRegistration> {
  if (!enabled) return NO_GPUS;
  const info = await readNvidiaGpuInfo(file);
  if (!info) {
    logger.error({ file }, 'Config for GPU support is enabled, but GPU information is not found; continuing without it');
    return NO_GPUS;
  }
  logger.info({ driverVersion: info.driverVersion, gpus: info.gpuIds.length }, 'Registering NVIDIA GPUs');
  return gpuRegistration(info);
}
