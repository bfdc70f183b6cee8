import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { DeviceProviderError } from './device-provider';
import { UI_DEV_CREATE, UI_DEV_DESTROY, UI_GET_SYSNAME, UI_SET_ABSBIT, UI_SET_EVBIT, UI_SET_KEYBIT, UI_SET_RELBIT, UINPUT_USER_DEV_SIZE } from './uinput-devices';
import type { UinputIo } from './uinput-io';
import { UinputProvider } from './uinput-provider';

// The uinput provider against a fake ioctl layer (no /dev/uinput on CI machines): the kernel's part
// is played by FakeUinput, which also makes the sysfs entries UI_DEV_CREATE would.

class FakeUinput implements UinputIo {
  readonly calls: { fd: number; request: number; arg?: number }[] = [];
  readonly written = new Map<number, Buffer>();
  readonly closed: number[] = [];
  readonly sent: number[][] = [];
  #next = 20;
  failCreateOf: number | undefined;
  missing = false;

  constructor(private readonly root: string) {}

  open(file: string): number {
    if (this.missing) throw new Error(`ENOENT: no such file or directory, open '${file}'`);
    expect(file).toBe(path.join(this.root, 'dev/uinput'));
    return this.#next++;
  }

  write(fd: number, data: Buffer): void {
    this.written.set(fd, Buffer.from(data));
  }

  ioctl(fd: number, request: number, arg?: number | Buffer): void {
    this.calls.push({ fd, request, ...(typeof arg === 'number' ? { arg } : {}) });
    if (request === UI_DEV_CREATE) {
      if (fd === this.failCreateOf) throw new Error('errno 22');
      mkdirSync(path.join(this.root, `sys/devices/virtual/input/input${fd}/event${fd + 100}`), { recursive: true });
      writeFileSync(path.join(this.root, `sys/devices/virtual/input/input${fd}/name`), 'x');
    }
    if (request === UI_GET_SYSNAME) (arg as Buffer).write(`input${fd}\0`);
  }

  close(fd: number): void {
    this.closed.push(fd);
  }

  sendDescriptors(_socketFd: number, fds: readonly number[]): void {
    this.sent.push([...fds]);
  }

  args(fd: number, request: number): number[] {
    return this.calls.filter((call) => call.fd === fd && call.request === request).map((call) => call.arg!);
  }
}

let root: string;
let io: FakeUinput;
let provider: UinputProvider;
const ID = 'ab'.repeat(30);
const SOCKETS = `/fractal/temp/${ID}/sockets`;
const request = { fractalId: ID, inUse: new Set<string>(), socketsDir: SOCKETS };

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fractal-uinput-'));
  io = new FakeUinput(root);
  provider = new UinputProvider({ hostRoot: root, io, logger: recordingLogger() });
});

afterEach(async () => {
  await provider.release({ id: ID, dirs: [], devices: [], provider: 'uinput' });
  rmSync(root, { recursive: true, force: true });
});

/** Connects as the container would, reaching the long host path through its directory's descriptor. */
async function connectAndWait(socketPath: string): Promise<void> {
  const directory = openSync(path.dirname(socketPath), 'r');
  try {
    await new Promise<void>((resolve, reject) => {
      const client = connect(`/proc/self/fd/${directory}/${path.basename(socketPath)}`);
      client.on('error', reject);
      client.on('close', () => resolve());
      client.resume();
    });
  } finally {
    closeSync(directory);
  }
}

describe('uinput ioctl numbers (linux/uinput.h)', () => {
  it.each([
    ['UI_DEV_CREATE', UI_DEV_CREATE, 0x5501],
    ['UI_DEV_DESTROY', UI_DEV_DESTROY, 0x5502],
    ['UI_SET_EVBIT', UI_SET_EVBIT, 0x40045564],
    ['UI_SET_KEYBIT', UI_SET_KEYBIT, 0x40045565],
    ['UI_SET_RELBIT', UI_SET_RELBIT, 0x40045566],
    ['UI_SET_ABSBIT', UI_SET_ABSBIT, 0x40045567],
    ['UI_GET_SYSNAME(32)', UI_GET_SYSNAME, 0x8020552c],
  ])('%s is 0x%s', (_name, value, expected) => {
    expect(value).toBe(expected);
  });

  it('struct uinput_user_dev is 1116 bytes', () => {
    expect(UINPUT_USER_DEV_SIZE).toBe(1116);
  });
});

describe('UinputProvider', () => {
  it('makes an absolute pointer, a relative mouse and a keyboard, and maps their event nodes', async () => {
    expect(await provider.acquire(request)).toEqual(['/dev/input/event120', '/dev/input/event121', '/dev/input/event122']);
    const [abs, rel, kbd] = [20, 21, 22];
    expect(io.args(abs, UI_SET_EVBIT)).toEqual([0, 1, 3]);
    expect(io.args(abs, UI_SET_KEYBIT)).toEqual([0x110, 0x111, 0x112, 0x14a]);
    expect(io.args(abs, UI_SET_ABSBIT)).toEqual([0, 1]);
    expect(io.args(abs, UI_SET_RELBIT)).toEqual([]);
    expect(io.args(rel, UI_SET_EVBIT)).toEqual([0, 1, 2]);
    expect(io.args(rel, UI_SET_RELBIT)).toEqual([0, 1, 8, 6]);
    expect(io.args(kbd, UI_SET_EVBIT)).toEqual([0, 1]);
    expect(io.args(kbd, UI_SET_KEYBIT)).toHaveLength(248);
    expect(io.args(kbd, UI_SET_KEYBIT)[0]).toBe(1);
    // Setup written before UI_DEV_CREATE, which comes after every bit.
    const absCalls = io.calls.filter((call) => call.fd === abs).map((call) => call.request);
    expect(absCalls.indexOf(UI_DEV_CREATE)).toBe(absCalls.length - 2);
    const setup = io.written.get(abs)!;
    expect(setup.toString('latin1', 0, 30)).toBe('Fractal Virtual Absolute Input');
    expect([setup.readUInt16LE(80), setup.readUInt16LE(82), setup.readUInt16LE(84)]).toEqual([0x03, 0xf4c1, 0x1124]);
    expect([setup.readInt32LE(92), setup.readInt32LE(96), setup.readInt32LE(348)]).toEqual([0xfff, 0xfff, 0]);
    expect(io.written.get(kbd)!.readUInt16LE(84)).toBe(0x1122);
    expect(io.closed).toEqual([]);
  });

  it('hands the descriptors (abs, rel, keyboard) to every client of <sockets dir>/uinput.sock, which anyone may open', async () => {
    await provider.acquire(request);
    const socketPath = path.join(root, SOCKETS, 'uinput.sock');
    expect(statSync(socketPath).mode & 0o777).toBe(0o666);
    await connectAndWait(socketPath);
    await connectAndWait(socketPath);
    expect(io.sent).toEqual([
      [20, 21, 22],
      [20, 21, 22],
    ]);
  });

  it('destroys and closes the devices and stops listening when the container stops', async () => {
    await provider.acquire(request);
    const state = { id: ID, dirs: [], devices: [], provider: 'uinput' as const };
    expect(provider.holds(state)).toBe(true);
    await provider.release(state);
    expect(io.calls.filter((call) => call.request === UI_DEV_DESTROY).map((call) => call.fd)).toEqual([20, 21, 22]);
    expect(io.closed).toEqual([20, 21, 22]);
    expect(provider.holds(state)).toBe(false);
    await expect(connectAndWait(path.join(root, SOCKETS, 'uinput.sock'))).rejects.toThrow();
    expect(existsSync(path.join(root, SOCKETS, 'uinput.sock'))).toBe(false);
  });

  it('is all or nothing: a failing keyboard undoes the two devices made before it', async () => {
    io.failCreateOf = 22;
    const failure = provider.acquire(request);
    await expect(failure).rejects.toThrow(DeviceProviderError);
    await expect(failure).rejects.toThrow('uinput: cannot create "Fractal Virtual Keyboard": errno 22');
    expect(io.calls.filter((call) => call.request === UI_DEV_DESTROY).map((call) => call.fd)).toEqual([20, 21]);
    expect(io.closed.sort()).toEqual([20, 21, 22]);
  });

  it('says a kernel with uinput is needed when /dev/uinput is missing', async () => {
    io.missing = true;
    await expect(provider.acquire(request)).rejects.toThrow('uinput: cannot open /dev/uinput (a kernel with uinput is needed)');
  });

  it('holds nothing recorded by an earlier agent process (the kernel destroyed those devices with it)', async () => {
    expect(provider.holds({ id: ID, dirs: [], devices: ['/dev/input/event5'], provider: 'uinput' })).toBe(false);
    await provider.release({ id: ID, dirs: [], devices: ['/dev/input/event5'], provider: 'uinput' });
    expect(io.calls).toEqual([]);
  });
});
