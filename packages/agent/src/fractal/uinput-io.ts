// The system calls the uinput provider makes, behind a seam: tests use a fake, production uses
// node:fs for open/write/close and koffi (FFI, prebuilt binaries in the npm package) for ioctl and
// sendmsg, which Node has no API for. koffi is loaded on first use, so other providers never need it.
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';

export interface UinputIo {
  open(path: string): number;
  write(fd: number, data: Buffer): void;
  /** Throws an error naming the request and the errno when the kernel refuses. */
  ioctl(fd: number, request: number, arg?: number | Buffer): void;
  close(fd: number): void;
  /** sendmsg on a connected unix socket: one zero byte (stream sockets need data) with the descriptors as SCM_RIGHTS. */
  sendDescriptors(socketFd: number, fds: readonly number[]): void;
}

const SOL_SOCKET = 1;
const SCM_RIGHTS = 1;
/** sizeof(struct cmsghdr) on 64-bit Linux: cmsg_len (size_t), cmsg_level, cmsg_type. */
const CMSG_HEADER = 16;

interface Libc {
  koffi: typeof Koffi;
  ioctl: Koffi.KoffiFunction;
  sendmsg: Koffi.KoffiFunction;
}

let libc: Libc | undefined;

function loadLibc(): Libc {
  if (libc) return libc;
  // A computed name keeps the bundler from inlining koffi, whose native module must stay a file.
  const name = 'koffi';
  let koffi: typeof Koffi;
  try {
    koffi = createRequire(import.meta.url)(name) as typeof Koffi;
  } catch (error) {
    throw new Error(`ECS_FRACTAL_DEVICE_PROVIDER=uinput needs the koffi package next to the agent: ${(error as Error).message}`);
  }
  const lib = koffi.load('libc.so.6');
  koffi.struct('fractal_iovec', { iov_base: 'void *', iov_len: 'size_t' });
  koffi.struct('fractal_msghdr', {
    msg_name: 'void *',
    msg_namelen: 'uint32',
    msg_iov: 'fractal_iovec *',
    msg_iovlen: 'size_t',
    msg_control: 'void *',
    msg_controllen: 'size_t',
    msg_flags: 'int',
  });
  libc = {
    koffi,
    ioctl: lib.func('int ioctl(int fd, unsigned long request, ...)'),
    sendmsg: lib.func('long sendmsg(int fd, const fractal_msghdr *msg, int flags)'),
  };
  return libc;
}

export const systemUinputIo: UinputIo = {
  open: (path) => openSync(path, constants.O_WRONLY | constants.O_NONBLOCK),
  write: (fd, data) => {
    const written = writeSync(fd, data);
    if (written !== data.length) throw new Error(`short write to uinput: ${written} of ${data.length} bytes`);
  },
  ioctl(fd, request, arg) {
    const { koffi, ioctl } = loadLibc();
    const extra = arg === undefined ? [] : typeof arg === 'number' ? ['int', arg] : ['void *', arg];
    if ((ioctl(fd, request, ...extra) as number) < 0) throw new Error(`ioctl 0x${request.toString(16)} on fd ${fd}: errno ${koffi.errno()}`);
  },
  close: (fd) => closeSync(fd),
  sendDescriptors(socketFd, fds) {
    const { koffi, sendmsg } = loadLibc();
    const space = CMSG_HEADER + Math.ceil((4 * fds.length) / 8) * 8;
    const control = Buffer.alloc(space);
    control.writeBigUInt64LE(BigInt(CMSG_HEADER + 4 * fds.length), 0);
    control.writeInt32LE(SOL_SOCKET, 8);
    control.writeInt32LE(SCM_RIGHTS, 12);
    fds.forEach((fd, i) => control.writeInt32LE(fd, CMSG_HEADER + 4 * i));
    const data = Buffer.from([0]);
    const message = { msg_name: null, msg_namelen: 0, msg_iov: [{ iov_base: data, iov_len: 1 }], msg_iovlen: 1, msg_control: control, msg_controllen: space, msg_flags: 0 };
    if ((sendmsg(socketFd, message, 0) as number) < 0) throw new Error(`sendmsg with ${fds.length} descriptors: errno ${koffi.errno()}`);
  },
};
