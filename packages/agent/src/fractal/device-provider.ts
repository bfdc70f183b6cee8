import type { FractalContainerState, FractalDeviceProviderName } from './fractal-state';

/** What a provider is asked for: one container's devices. */
export interface DeviceRequest {
  readonly fractalId: string;
  /** Host paths held by other containers (from the recorded state of every task the agent knows). */
  readonly inUse: ReadonlySet<string>;
  /** The container's sockets directory (host path), for providers that hand descriptors over. */
  readonly socketsDir: string;
}

/**
 * Gives containers device nodes of their own, chosen by ECS_FRACTAL_DEVICE_PROVIDER. `acquire`
 * rejects with a reason the container's create failure carries; `release` is called once the
 * container stopped, also for state recorded before an agent restart.
 */
export interface DeviceProvider {
  readonly name: FractalDeviceProviderName;
  acquire(request: DeviceRequest): Promise<string[]>;
  /**
   * False when recorded devices died with an earlier agent process (uinput): a create retried after
   * a restart asks for new ones. Absent: recorded devices stay valid.
   */
  holds?(state: FractalContainerState): boolean;
  release(state: FractalContainerState): Promise<void>;
}

export class DeviceProviderError extends Error {
  override readonly name = 'FractalDeviceError';
}

export const noDevices: DeviceProvider = {
  name: 'none',
  acquire: async () => [],
  release: async () => undefined,
};
