import { loadAgentConfig, type FractalSettings } from './index';

// The Fractal settings (README: "Fractal settings"): defaults, valid values, and bad values that warn
// naming the variable and the value and leave the default.

function load(env: Record<string, string>): { fractal: FractalSettings; warnings: readonly string[] } {
  const { config, warnings } = loadAgentConfig({ env, readFile: () => undefined });
  return { fractal: config.fractal, warnings };
}

describe('Fractal settings', () => {
  it('default to no devices, 0755 directories removed after cleanup, and the fork sockets directory', () => {
    expect(load({})).toEqual({
      fractal: {
        deviceProvider: 'none',
        devicePool: [],
        devicesPerContainer: 1,
        dirMode: 0o755,
        keepDirs: false,
        socketsDir: '/fractal/temp/%%FRACTAL_ID_PLACEHOLDER%%/sockets',
        hostRoot: '/',
      },
      warnings: [],
    });
  });

  it.each([
    [{ ECS_FRACTAL_DEVICE_PROVIDER: 'pool', ECS_FRACTAL_DEVICE_POOL: '/dev/input/event*, /dev/fractal/dev0' }, { deviceProvider: 'pool', devicePool: ['/dev/input/event*', '/dev/fractal/dev0'], devicesPerContainer: 1 }],
    [{ ECS_FRACTAL_DEVICE_PROVIDER: 'pool', ECS_FRACTAL_DEVICE_POOL: '/dev/x*', ECS_FRACTAL_DEVICES_PER_CONTAINER: '4' }, { devicesPerContainer: 4 }],
    [{ ECS_FRACTAL_DEVICES_PER_CONTAINER: '0' }, { devicesPerContainer: 0 }],
    [{ ECS_FRACTAL_DEVICE_PROVIDER: 'uinput' }, { deviceProvider: 'uinput', devicesPerContainer: 3 }],
    [{ ECS_FRACTAL_DEVICE_PROVIDER: 'none' }, { deviceProvider: 'none' }],
    [{ ECS_FRACTAL_DIR_MODE: '0700' }, { dirMode: 0o700 }],
    [{ ECS_FRACTAL_DIR_MODE: '750' }, { dirMode: 0o750 }],
    [{ ECS_FRACTAL_DIR_MODE: '01777' }, { dirMode: 0o1777 }],
    [{ ECS_FRACTAL_KEEP_DIRS: 'true' }, { keepDirs: true }],
    [{ ECS_FRACTAL_KEEP_DIRS: '1' }, { keepDirs: true }],
    [{ ECS_FRACTAL_KEEP_DIRS: 'false' }, { keepDirs: false }],
    [{ ECS_FRACTAL_SOCKETS_DIR: '/run/fractal/%%FRACTAL_ID_PLACEHOLDER%%' }, { socketsDir: '/run/fractal/%%FRACTAL_ID_PLACEHOLDER%%' }],
    [{ ECS_FRACTAL_HOST_ROOT: '/host' }, { hostRoot: '/host' }],
  ])('accepts %j', (env, expected) => {
    const { fractal, warnings } = load(env);
    expect(fractal).toMatchObject(expected);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['ECS_FRACTAL_DEVICE_PROVIDER', 'evdev', { deviceProvider: 'none' }],
    ['ECS_FRACTAL_DEVICE_POOL', 'dev/input/event*', { devicePool: [] }],
    ['ECS_FRACTAL_DEVICES_PER_CONTAINER', '-1', { devicesPerContainer: 1 }],
    ['ECS_FRACTAL_DEVICES_PER_CONTAINER', 'two', { devicesPerContainer: 1 }],
    ['ECS_FRACTAL_DIR_MODE', '0855', { dirMode: 0o755 }],
    ['ECS_FRACTAL_DIR_MODE', 'rwxr-xr-x', { dirMode: 0o755 }],
    ['ECS_FRACTAL_KEEP_DIRS', 'yes', { keepDirs: false }],
    ['ECS_FRACTAL_SOCKETS_DIR', '/fractal/sockets', { socketsDir: '/fractal/temp/%%FRACTAL_ID_PLACEHOLDER%%/sockets' }],
    ['ECS_FRACTAL_SOCKETS_DIR', 'relative/%%FRACTAL_ID_PLACEHOLDER%%', { socketsDir: '/fractal/temp/%%FRACTAL_ID_PLACEHOLDER%%/sockets' }],
    ['ECS_FRACTAL_HOST_ROOT', 'host', { hostRoot: '/' }],
  ])('%s=%s warns, naming the variable and the value', (name, value, expected) => {
    const { fractal, warnings } = load({ [name]: value });
    expect(fractal).toMatchObject(expected);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(name);
    expect(warnings[0]).toContain(value);
  });

  it('keeps the absolute pool entries when some are relative', () => {
    const { fractal, warnings } = load({ ECS_FRACTAL_DEVICE_PROVIDER: 'pool', ECS_FRACTAL_DEVICE_POOL: '/dev/a,b' });
    expect(fractal.devicePool).toEqual(['/dev/a']);
    expect(warnings).toEqual([expect.stringContaining('b not absolute')]);
  });

  it('warns that a pool without paths can give no devices', () => {
    const { warnings } = load({ ECS_FRACTAL_DEVICE_PROVIDER: 'pool' });
    expect(warnings).toEqual([expect.stringContaining('without ECS_FRACTAL_DEVICE_POOL')]);
  });

  it('uinput always makes three devices', () => {
    const { fractal, warnings } = load({ ECS_FRACTAL_DEVICE_PROVIDER: 'uinput', ECS_FRACTAL_DEVICES_PER_CONTAINER: '2' });
    expect(fractal.devicesPerContainer).toBe(3);
    expect(warnings).toEqual([expect.stringContaining('ECS_FRACTAL_DEVICES_PER_CONTAINER=2')]);
  });
});
