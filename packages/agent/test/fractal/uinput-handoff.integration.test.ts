import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { systemUinputIo, UinputProvider, type UinputIo } from '../../src/fractal';
import { recordingLogger } from '../fakes/recording-logger';

// The uinput provider's real system calls where this machine allows them (it has no /dev/uinput):
// koffi's ioctl reaching the kernel, and the descriptors handed over a unix socket with sendmsg and
// SCM_RIGHTS to a separate process (python3), which reads which files it got.

const run = promisify(execFile);
let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fractal-handoff-'));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Real descriptors and sendmsg; the uinput ioctls answered as the kernel would, each device a plain file. */
function filesAsDevices(): UinputIo {
  let n = 0;
  return {
    ...systemUinputIo,
    open: () => {
      n += 1;
      return openSync(path.join(root, `device-${n}`), 'w+');
    },
    ioctl: (fd, request, arg) => {
      if (request === 0x5501) mkdirSync(path.join(root, `sys/devices/virtual/input/input${fd}/event${fd}`), { recursive: true });
      if (Buffer.isBuffer(arg)) arg.write(`input${fd}\0`);
    },
  };
}

const RECEIVER = `
import os, socket, sys
directory = os.open(os.path.dirname(sys.argv[1]), os.O_RDONLY)
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect('/proc/self/fd/%d/%s' % (directory, os.path.basename(sys.argv[1])))
data, fds, flags, address = socket.recv_fds(client, 16, 8)
print(len(data), ' '.join(os.path.basename(os.readlink('/proc/self/fd/%d' % fd)) for fd in fds))
`;

describe('uinput descriptors over the unix socket', () => {
  it('reach another process as SCM_RIGHTS, in the order absolute, relative, keyboard', async () => {
    const provider = new UinputProvider({ hostRoot: root, io: filesAsDevices(), logger: recordingLogger() });
    const id = 'cd'.repeat(30);
    await provider.acquire({ fractalId: id, inUse: new Set(), socketsDir: `/fractal/temp/${id}/sockets` });
    const { stdout } = await run('python3', ['-c', RECEIVER, path.join(root, `fractal/temp/${id}/sockets/uinput.sock`)]);
    expect(stdout.trim()).toBe('1 device-1 device-2 device-3');
    await provider.release({ id, dirs: [], devices: [], provider: 'uinput' });
  });

  it("reports the kernel's refusal of an ioctl with the request and errno", () => {
    const fd = openSync(path.join(root, 'plain'), 'w');
    expect(() => systemUinputIo.ioctl(fd, 0x5501)).toThrow('ioctl 0x5501 on fd');
    expect(() => systemUinputIo.ioctl(fd, 0x5501)).toThrow('errno 25');
  });
});
