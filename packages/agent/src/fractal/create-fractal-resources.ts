import type { Logger } from '@fractal-ecs/common';
import type { RandomSource, Task } from '../api';
import type { FractalSettings } from '../config';
import type { StateSaver } from '../statemanager';
import { devicePool } from './device-pool';
import { noDevices, type DeviceProvider } from './device-provider';
import { FractalResources } from './fractal-resources';

export interface FractalDependencies {
  readonly settings: FractalSettings;
  readonly tasks: () => readonly Task[];
  readonly state: StateSaver;
  readonly random: RandomSource;
  readonly logger: Logger;
  /** Test hook and uinput seam: the provider for ECS_FRACTAL_DEVICE_PROVIDER=uinput. */
  readonly uinput?: () => DeviceProvider;
}

/** The Fractal resources with the device provider ECS_FRACTAL_DEVICE_PROVIDER names. */
export function createFractalResources(deps: FractalDependencies): FractalResources {
  const { settings } = deps;
  const pool = devicePool({ hostRoot: settings.hostRoot, patterns: settings.devicePool, perContainer: settings.devicesPerContainer });
  const providers: DeviceProvider[] = [noDevices, pool];
  if (deps.uinput) providers.push(deps.uinput());
  const provider = providers.find((candidate) => candidate.name === settings.deviceProvider);
  if (!provider) throw new Error(`ECS_FRACTAL_DEVICE_PROVIDER=${settings.deviceProvider}: this agent was built without that provider`);
  return new FractalResources({ settings, provider, providers, tasks: deps.tasks, state: deps.state, random: deps.random, logger: deps.logger });
}
