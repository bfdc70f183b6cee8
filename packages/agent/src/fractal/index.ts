// The Fractal fork's features: a FractalID per container, `%%FRACTAL_ID_PLACEHOLDER%%` filled in its
// host binds and environment, container-specific host directories, and per-container devices from a
// provider (none, pool, uinput).
export { FRACTAL_ID_LABEL, isFractalId, newFractalId } from './fractal-id';
export { FRACTAL_ID_PLACEHOLDER, FRACTAL_ID_PLACEHOLDER_ALIAS, fillPlaceholders, hasPlaceholder } from './placeholder';
export { misplacedPlaceholder, type PlaceholderProblem } from './placeholder-check';
export { containerDirectories, withFractalResources, type ContainerDirectory } from './fractal-create-options';
export type { FractalContainerState, FractalDeviceProviderName } from './fractal-state';
export { FractalResources, type FractalResourcesOptions } from './fractal-resources';
export { DeviceProviderError, noDevices, type DeviceProvider, type DeviceRequest } from './device-provider';
export { devicePool, type DevicePoolOptions } from './device-pool';
export { expandDevicePool } from './device-glob';
export { createFractalResources, type FractalDependencies } from './create-fractal-resources';
export { UinputProvider, UINPUT_SOCKET_NAME, type UinputProviderOptions } from './uinput-provider';
export { systemUinputIo, type UinputIo } from './uinput-io';
export { FRACTAL_INPUT_DEVICES, type VirtualDeviceSpec } from './uinput-devices';
