import { expandDevicePool } from './device-glob';
import { DeviceProviderError, type DeviceProvider, type DeviceRequest } from './device-provider';

export interface DevicePoolOptions {
  readonly hostRoot: string;
  /** ECS_FRACTAL_DEVICE_POOL. */
  readonly patterns: readonly string[];
  /** ECS_FRACTAL_DEVICES_PER_CONTAINER. */
  readonly perContainer: number;
}

/**
 * `pool`: N existing device nodes per container, none shared. The pool is read again at each request
 * (devices may come and go); who holds what is the recorded state alone, so an agent restart neither
 * leaks nor double-assigns, and releasing needs no action here.
 */
export function devicePool(options: DevicePoolOptions): DeviceProvider {
  return {
    name: 'pool',
    async acquire(request: DeviceRequest): Promise<string[]> {
      if (options.perContainer === 0) return [];
      const all = await expandDevicePool(options.hostRoot, options.patterns);
      const free = all.filter((device) => !request.inUse.has(device));
      if (free.length < options.perContainer) {
        throw new DeviceProviderError(
          `the device pool has ${free.length} free of ${all.length} device nodes (ECS_FRACTAL_DEVICE_POOL=${options.patterns.join(',') || '(empty)'}); this container needs ${options.perContainer}`,
        );
      }
      return free.slice(0, options.perContainer);
    },
    release: async () => undefined,
  };
}
