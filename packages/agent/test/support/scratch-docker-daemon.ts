import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { docker, importBusyboxImage } from './busybox-image';

/**
 * A Docker daemon of the test's own, for what the host's daemon cannot be changed to have (extra
 * runtimes need a daemon restart): its own socket, data and exec roots and managed containerd, in a
 * network namespace of its own, so it touches nothing of the host's (dockerd --bridge=none deletes any
 * docker0 it sees). Containers on it run with network mode none or host (the namespace's).
 */
export class ScratchDockerDaemon {
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'scratch-dockerd-'));
  private readonly netns = `scratch-dockerd-${process.pid}-${path.basename(this.dir).slice(-6)}`;
  private process?: ChildProcess;
  private output = '';
  /** The DOCKER_HOST value that reaches this daemon. */
  readonly host = `unix://${path.join(this.dir, 'docker.sock')}`;

  /** `runtimes`: name -> runtime binary, as dockerd's --add-runtime. */
  constructor(private readonly runtimes: Record<string, string> = {}) {}

  async start(timeoutMs = 30_000): Promise<this> {
    const args = [
      `--data-root=${path.join(this.dir, 'data')}`,
      `--exec-root=${path.join(this.dir, 'exec')}`,
      `--pidfile=${path.join(this.dir, 'dockerd.pid')}`,
      `--host=${this.host}`,
      '--bridge=none',
      '--iptables=false',
      '--ip6tables=false',
      ...Object.entries(this.runtimes).map(([name, binary]) => `--add-runtime=${name}=${binary}`),
    ];
    execFileSync('ip', ['netns', 'add', this.netns]);
    // nsenter changes the network namespace only: `ip netns exec` would also remount /sys, hiding the cgroups.
    const daemon = spawn('nsenter', [`--net=/var/run/netns/${this.netns}`, 'dockerd', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = daemon;
    daemon.stdout!.on('data', (chunk: Buffer) => (this.output += chunk));
    daemon.stderr!.on('data', (chunk: Buffer) => (this.output += chunk));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (daemon.exitCode !== null) throw new Error(`dockerd exited with ${daemon.exitCode}:\n${this.output.slice(-2_000)}`);
      if (await this.docker(['version', '--format', '{{.Server.Version}}']).then(() => true, () => false)) return this;
      if (Date.now() > deadline) throw new Error(`dockerd did not answer on ${this.host} within ${timeoutMs} ms:\n${this.output.slice(-2_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The docker CLI against this daemon; resolves its stdout. */
  docker(args: string[], input?: Buffer): Promise<string> {
    return docker(args, input, this.host);
  }

  /** Imports the busybox rootfs as `tag`. */
  async importBusybox(tag: string): Promise<void> {
    await importBusyboxImage([tag], { env: { PATH: '/bin' }, host: this.host });
  }

  /**
   * Removes every container, stops the daemon (which unmounts its layers), then unmounts what it
   * leaves (its namespace handle under the exec root) and deletes its directories and namespace.
   */
  async stop(): Promise<void> {
    const daemon = this.process;
    if (daemon && daemon.exitCode === null) {
      const containers = (await this.docker(['ps', '-aq']).catch(() => '')).split('\n').filter(Boolean);
      if (containers.length) await this.docker(['rm', '-f', ...containers]).catch(() => '');
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      await exited;
    }
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4] ?? '')
      .filter((mountPoint) => mountPoint.startsWith(`${this.dir}/`));
    for (const mountPoint of mounts.reverse()) execFileSync('umount', ['--lazy', mountPoint]);
    rmSync(this.dir, { recursive: true, force: true });
    execFileSync('ip', ['netns', 'delete', this.netns], { stdio: 'ignore' });
  }
}
