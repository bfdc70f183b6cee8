import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expandDevicePool } from './device-glob';

// A fake host root with real device nodes (char 1:3, as /dev/null), made with mknod (tests run as root).
let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fractal-devices-'));
  mkdirSync(path.join(root, 'dev/input'), { recursive: true });
  for (const n of [0, 1, 2, 10]) execFileSync('mknod', [path.join(root, `dev/input/event${n}`), 'c', '1', '3']);
  execFileSync('mknod', [path.join(root, 'dev/input/mouse0'), 'c', '1', '3']);
  writeFileSync(path.join(root, 'dev/input/event-notes'), 'not a device');
  mkdirSync(path.join(root, 'dev/input/by-id'));
  symlinkSync('../event1', path.join(root, 'dev/input/by-id/kbd-event'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('expandDevicePool', () => {
  it.each([
    [['/dev/input/event*'], ['/dev/input/event0', '/dev/input/event1', '/dev/input/event2', '/dev/input/event10']],
    [['/dev/input/event?'], ['/dev/input/event0', '/dev/input/event1', '/dev/input/event2']],
    [['/dev/input/event[02]'], ['/dev/input/event0', '/dev/input/event2']],
    [['/dev/input/event[!02]'], ['/dev/input/event1']],
    [['/dev/input/mouse0', '/dev/input/event1'], ['/dev/input/event1', '/dev/input/mouse0']],
    [['/dev/*/event1*'], ['/dev/input/event1', '/dev/input/event10']],
    [['/dev/input/nothing*', '/dev/absent'], []],
  ])('%j gives the device nodes %j, in natural order', async (patterns, expected) => {
    expect(await expandDevicePool(root, patterns)).toEqual(expected);
  });

  it('counts a device reached through a symlink once, under its real path', async () => {
    expect(await expandDevicePool(root, ['/dev/input/by-id/*', '/dev/input/event1'])).toEqual(['/dev/input/event1']);
  });
});
