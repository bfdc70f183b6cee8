import type { Logger } from '@fractal-ecs/common';
import type { RandomSource, Task } from '../api';
import type { FractalSettings } from '../config';
import type { StateSaver } from '../statemanager';
import { devicePool } from './device-pool';
import { noDevices, type DeviceProvider } from './device-provider';
import { FractalResources } from './fractal-resources';
import { UinputProvider } from './uinput-provider';
import { systemUinputIo, type UinputIo } from './uinput-io';

export interface FractalDependencies {
  readonly settings: FractalSettings;
  readonly tasks: () => readonly Task[];
  readonly state: StateSaver;
  readonly random: RandomSource;
  readonly logger: Logger;
  /** Default: the real system calls (koffi for ioctl and sendmsg). */
  readonly uinputIo?: UinputIo;
}

/** The Fractal resources with the device provider ECS_FRACTAL_DEVICE_PROVIDER names. */
export function createFractalResources(deps: FractalDependencies): FractalResources {
  const { settings } = deps;
  const pool = devicePool({ hostRoot: settings.hostRoot, patterns: settings.devicePool, perContainer: settings.devicesPerContainer });
  const uinput = new UinputProvider({ hostRoot: settings.hostRoot, io: deps.uinputIo ?? systemUinputIo, logger: deps.logger });
  const providers: DeviceProvider[] = [noDevices, pool, uinput];
  const provider = providers.find((candidate) => candidate.name === settings.deviceProvider)!;
  return new FractalResources({ settings, provider, providers, tasks: deps.tasks, state: deps.state, random: deps.random, logger: deps.logger });
}
