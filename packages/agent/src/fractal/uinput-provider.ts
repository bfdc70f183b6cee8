import { closeSync, openSync } from 'node:fs';
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import type { Logger } from '@fractal-ecs/common';
import { DeviceProviderError, type DeviceProvider, type DeviceRequest } from './device-provider';
import type { FractalContainerState } from './fractal-state';
import { FRACTAL_INPUT_DEVICES, SYSNAME_LENGTH, UI_DEV_CREATE, UI_DEV_DESTROY, UI_GET_SYSNAME, UI_SET_ABSBIT, UI_SET_EVBIT, UI_SET_KEYBIT, UI_SET_RELBIT, uinputUserDev, type VirtualDeviceSpec } from './uinput-devices';
import type { UinputIo } from './uinput-io';

export const UINPUT_SOCKET_NAME = 'uinput.sock';
/** The event node shows in sysfs as UI_DEV_CREATE returns; a short wait covers a slow kernel. */
const EVENT_NODE_ATTEMPTS = 50;
const EVENT_NODE_WAIT_MS = 10;

export interface UinputProviderOptions {
  readonly hostRoot: string;
  readonly io: UinputIo;
  readonly logger: Logger;
}

interface LiveDevices {
  readonly fds: readonly number[];
  readonly server: Server;
}

/**
 * `uinput`: per container an absolute pointer, a relative mouse and a keyboard made through
 * /dev/uinput, mapped at their /dev/input/eventN paths; their descriptors are handed to whoever in
 * the container connects to `<sockets dir>/uinput.sock` (SCM_RIGHTS, order abs, rel, keyboard).
 * The devices live as long as the agent holds the descriptors: they are destroyed when the container
 * stops, and by the kernel when the agent process ends.
 */
export class UinputProvider implements DeviceProvider {
  readonly name = 'uinput' as const;
  readonly #live = new Map<string, LiveDevices>();

  constructor(private readonly options: UinputProviderOptions) {}

  holds(state: FractalContainerState): boolean {
    return this.#live.has(state.id);
  }

  async acquire(request: DeviceRequest): Promise<string[]> {
    const fds: number[] = [];
    try {
      for (const spec of FRACTAL_INPUT_DEVICES) fds.push(this.#create(spec));
      const nodes: string[] = [];
      for (const fd of fds) nodes.push(await this.#eventNode(fd));
      const server = await this.#serve(request.socketsDir, fds);
      this.#live.set(request.fractalId, { fds, server });
      return nodes;
    } catch (error) {
      // All or nothing: a container gets its three devices or none.
      for (const fd of fds) this.#destroy(fd);
      throw new DeviceProviderError(`uinput: ${(error as Error).message}`);
    }
  }

  async release(state: FractalContainerState): Promise<void> {
    const live = this.#live.get(state.id);
    if (!live) return;
    this.#live.delete(state.id);
    await new Promise<void>((resolve) => live.server.close(() => resolve()));
    for (const fd of live.fds) this.#destroy(fd);
  }

  #create(spec: VirtualDeviceSpec): number {
    const { io, hostRoot } = this.options;
    const uinput = path.join(hostRoot, 'dev/uinput');
    let fd: number;
    try {
      fd = io.open(uinput);
    } catch (error) {
      throw new Error(`cannot open /dev/uinput (a kernel with uinput is needed): ${(error as Error).message}`);
    }
    try {
      for (const type of spec.events) io.ioctl(fd, UI_SET_EVBIT, type);
      for (const key of spec.keys) io.ioctl(fd, UI_SET_KEYBIT, key);
      for (const axis of spec.relative) io.ioctl(fd, UI_SET_RELBIT, axis);
      for (const [axis] of spec.absolute) io.ioctl(fd, UI_SET_ABSBIT, axis);
      io.write(fd, uinputUserDev(spec));
      io.ioctl(fd, UI_DEV_CREATE);
      return fd;
    } catch (error) {
      io.close(fd);
      throw new Error(`cannot create "${spec.name}": ${(error as Error).message}`);
    }
  }

  /** UI_GET_SYSNAME gives `inputN`; its sysfs directory holds the `eventM` the container gets. */
  async #eventNode(fd: number): Promise<string> {
    const buffer = Buffer.alloc(SYSNAME_LENGTH);
    this.options.io.ioctl(fd, UI_GET_SYSNAME, buffer);
    const end = buffer.indexOf(0);
    const sysname = buffer.toString('latin1', 0, end < 0 ? buffer.length : end);
    const directory = path.join(this.options.hostRoot, 'sys/devices/virtual/input', sysname);
    for (let attempt = 0; attempt < EVENT_NODE_ATTEMPTS; attempt++) {
      const entries = await readdir(directory).catch(() => [] as string[]);
      const event = entries.find((entry) => /^event\d+$/.test(entry));
      if (event) return `/dev/input/${event}`;
      await new Promise((resolve) => setTimeout(resolve, EVENT_NODE_WAIT_MS));
    }
    throw new Error(`no event node under /sys/devices/virtual/input/${sysname}`);
  }

  async #serve(socketsDir: string, fds: readonly number[]): Promise<Server> {
    const directory = path.join(this.options.hostRoot, socketsDir);
    await mkdir(directory, { recursive: true, mode: 0o755 });
    const socketPath = path.join(directory, UINPUT_SOCKET_NAME);
    await rm(socketPath, { force: true });
    const server = createServer((socket) => this.#handOver(socket, fds));
    // A unix socket path is limited to 107 bytes, which a host root prefix and a 60-character ID can
    // pass: the socket is bound through the directory's descriptor instead (/proc/self/fd/N/...). The
    // descriptor stays open with the server, whose close unlinks the socket by that same path.
    const directoryFd = openSync(directory, 'r');
    server.once('close', () => closeSync(directoryFd));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => {
        closeSync(directoryFd);
        reject(error);
      });
      server.listen(`/proc/self/fd/${directoryFd}/${UINPUT_SOCKET_NAME}`, () => resolve());
    });
    // The process in the container may run as any user.
    await chmod(socketPath, 0o666);
    server.unref();
    return server;
  }

  /** Every client gets the descriptors (a restarted streaming server in the container asks again). */
  #handOver(socket: Socket, fds: readonly number[]): void {
    const handle = (socket as unknown as { _handle?: { fd?: number } })._handle;
    try {
      if (handle?.fd === undefined || handle.fd < 0) throw new Error('the connection has no descriptor');
      this.options.io.sendDescriptors(handle.fd, fds);
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'Cannot hand the uinput descriptors over');
    }
    socket.end();
  }

  #destroy(fd: number): void {
    try {
      this.options.io.ioctl(fd, UI_DEV_DESTROY);
    } catch (error) {
      this.options.logger.warn({ fd, err: (error as Error).message }, 'Cannot destroy a uinput device');
    }
    this.options.io.close(fd);
  }
}
