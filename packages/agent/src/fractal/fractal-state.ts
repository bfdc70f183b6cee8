// What the agent records per container for the Fractal features. It lives on the container in the
// task model (`container.fractal`), so the checkpoint persists it: everything is recorded before it
// is made, and a restarted agent finds, reuses or releases it.

export type FractalDeviceProviderName = 'none' | 'pool' | 'uinput';

export interface FractalContainerState {
  /** 60 lowercase hex characters, unique on the host; also the `com.fractal.ecs.fractal-id` label. */
  readonly id: string;
  /**
   * Container-specific host directories the agent creates (host paths): for each, the first path
   * component that carries the FractalID. Removed recursively after task cleanup unless kept.
   */
  dirs: string[];
  /** Host device nodes given to this container, mapped at the same path with `rwm`. */
  devices: string[];
  /** Which provider assigned `devices` (a restart with another configuration still releases them). */
  provider: FractalDeviceProviderName;
  /** True once the devices were released (the container stopped). */
  devicesReleased?: boolean;
  /** True once the directories were removed (or kept by ECS_FRACTAL_KEEP_DIRS) after cleanup. */
  dirsRemoved?: boolean;
}
