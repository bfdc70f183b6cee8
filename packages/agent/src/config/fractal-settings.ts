import { parseGoBool } from '@fractal-ecs/common';
import type { FractalDeviceProvider, FractalSettings } from './agent-config';
import { shown, type Diagnostics } from './diagnostics';
import type { Env } from './environment';

const PROVIDERS: readonly FractalDeviceProvider[] = ['none', 'pool', 'uinput'];
/** The fork's layout: the uinput socket lives in a per-container directory the task mounts at /tmp/sockets. */
export const DEFAULT_FRACTAL_SOCKETS_DIR = '/fractal/temp/%%FRACTAL_ID_PLACEHOLDER%%/sockets';
const DEFAULT_DIR_MODE = 0o755;

/**
 * The Fractal fork's settings, from the environment only (upstream's JSON config file has no such
 * keys). A bad value warns, naming the variable and the value, and the default applies.
 */
export function readFractalSettings(env: Env, diag: Diagnostics): FractalSettings {
  const value = (name: string): string | undefined => env[name]?.trim() || undefined;

  let deviceProvider: FractalDeviceProvider = 'none';
  const provider = value('ECS_FRACTAL_DEVICE_PROVIDER');
  if (provider !== undefined) {
    if (PROVIDERS.includes(provider as FractalDeviceProvider)) deviceProvider = provider as FractalDeviceProvider;
    else diag.warn(`${shown('ECS_FRACTAL_DEVICE_PROVIDER', provider)} is not one of ${PROVIDERS.join(', ')}; using none`);
  }

  const devicePool: string[] = [];
  const pool = value('ECS_FRACTAL_DEVICE_POOL');
  if (pool !== undefined) {
    const entries = pool.split(',').map((entry) => entry.trim()).filter(Boolean);
    const relative = entries.filter((entry) => !entry.startsWith('/'));
    if (relative.length > 0) diag.warn(`${shown('ECS_FRACTAL_DEVICE_POOL', pool)}: ${relative.join(', ')} not absolute; ignored`);
    devicePool.push(...entries.filter((entry) => entry.startsWith('/')));
  }

  let devicesPerContainer = deviceProvider === 'uinput' ? 3 : 1;
  const perContainer = value('ECS_FRACTAL_DEVICES_PER_CONTAINER');
  if (perContainer !== undefined) {
    if (/^\d{1,3}$/.test(perContainer)) devicesPerContainer = Number(perContainer);
    else diag.warn(`${shown('ECS_FRACTAL_DEVICES_PER_CONTAINER', perContainer)} is not a whole number of devices; using ${devicesPerContainer}`);
  }
  if (deviceProvider === 'uinput' && devicesPerContainer !== 3) {
    diag.warn(`ECS_FRACTAL_DEVICES_PER_CONTAINER=${devicesPerContainer} does not apply to the uinput provider, which makes 3 devices per container`);
    devicesPerContainer = 3;
  }
  if (deviceProvider === 'pool' && devicePool.length === 0) {
    diag.warn('ECS_FRACTAL_DEVICE_PROVIDER="pool" without ECS_FRACTAL_DEVICE_POOL: every container asking for devices will fail to create');
  }

  let dirMode = DEFAULT_DIR_MODE;
  const mode = value('ECS_FRACTAL_DIR_MODE');
  if (mode !== undefined) {
    if (/^0?[0-7]{3,4}$/.test(mode)) dirMode = Number.parseInt(mode, 8);
    else diag.warn(`${shown('ECS_FRACTAL_DIR_MODE', mode)} is not an octal mode such as 0755; using 0755`);
  }

  let keepDirs = false;
  const keep = value('ECS_FRACTAL_KEEP_DIRS');
  if (keep !== undefined) {
    const parsed = parseGoBool(keep);
    if (parsed === undefined) diag.warn(`${shown('ECS_FRACTAL_KEEP_DIRS', keep)} is not a boolean (true/false/1/0/t/f); using false`);
    else keepDirs = parsed;
  }

  let socketsDir = DEFAULT_FRACTAL_SOCKETS_DIR;
  const sockets = value('ECS_FRACTAL_SOCKETS_DIR');
  if (sockets !== undefined) {
    if (sockets.startsWith('/') && sockets.includes('%%FRACTAL_ID_PLACEHOLDER%%')) socketsDir = sockets;
    else diag.warn(`${shown('ECS_FRACTAL_SOCKETS_DIR', sockets)} must be an absolute path containing %%FRACTAL_ID_PLACEHOLDER%%; using ${DEFAULT_FRACTAL_SOCKETS_DIR}`);
  }

  let hostRoot = '/';
  const root = value('ECS_FRACTAL_HOST_ROOT');
  if (root !== undefined) {
    if (root.startsWith('/')) hostRoot = root;
    else diag.warn(`${shown('ECS_FRACTAL_HOST_ROOT', root)} is not an absolute path; using /`);
  }

  return { deviceProvider, devicePool, devicesPerContainer, dirMode, keepDirs, socketsDir, hostRoot };
}
