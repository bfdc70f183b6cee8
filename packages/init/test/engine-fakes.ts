import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { HostPaths, type Clock } from '@fractal-ecs/common';
import type { AgentImageCache } from '../src/cache';
import { readInitSettings } from '../src/config';
import type { AgentContainerSpec, DockerClient, StopOutcome } from '../src/docker';
import { Engine, type EngineDeps, type HostFacts } from '../src/engine';
import { recordingLogger } from './recording-logger';

/** Every fake appends "<object>.<call>" here, so tests pin the order of effects across fakes. */
export type CallLog = string[];

/** Docker stand-in: containers exit with the scripted codes, one per start. */
export class FakeDocker implements DockerClient {
  apiVersion = '1.41';
  imageLoaded = false;
  existingContainer: string | undefined = undefined;
  exitCodes: number[] = [];
  stopOutcome: StopOutcome | Error = 'stopped';
  bridgeName: string | undefined = 'docker0';
  loadError: Error | undefined;
  createError: Error | undefined;
  logs = 'line 1\nline 2\n';
  loaded: string[] = [];
  created: AgentContainerSpec[] = [];
  /** Resolves the pending wait() of a container that is "running" (exitCodes exhausted). */
  private release: ((code: number) => void) | undefined;
  private started = 0;

  constructor(private readonly calls: CallLog) {}

  async isImageLoaded(image: string) {
    this.calls.push(`docker.isImageLoaded ${image}`);
    return this.imageLoaded;
  }
  async loadImage(tarball: Readable) {
    let body = '';
    for await (const chunk of tarball) body += String(chunk);
    this.calls.push(`docker.loadImage ${body}`);
    if (this.loadError) throw this.loadError;
    this.loaded.push(body);
  }
  async findContainer(name: string) {
    this.calls.push(`docker.findContainer ${name}`);
    return this.existingContainer;
  }
  async removeContainer(id: string) {
    this.calls.push(`docker.removeContainer ${id}`);
    this.existingContainer = undefined;
  }
  async createAndStart(spec: AgentContainerSpec) {
    this.calls.push(`docker.createAndStart ${spec.name}`);
    if (this.createError) throw this.createError;
    this.created.push(spec);
    this.started += 1;
    this.existingContainer = `c${this.started}`;
    return this.existingContainer;
  }
  wait(id: string): Promise<number> {
    this.calls.push(`docker.wait ${id}`);
    const code = this.exitCodes.shift();
    if (code !== undefined) return Promise.resolve(code);
    return new Promise((resolve) => (this.release = resolve));
  }
  async stop(id: string, timeoutSeconds: number) {
    this.calls.push(`docker.stop ${id} ${timeoutSeconds}`);
    if (this.stopOutcome instanceof Error) throw this.stopOutcome;
    // Like the agent's SIGTERM handler: a clean exit.
    this.release?.(0);
    return this.stopOutcome;
  }
  async logTail(id: string, lines: number) {
    this.calls.push(`docker.logTail ${id} ${lines}`);
    return this.logs;
  }
  async defaultBridgeName() {
    this.calls.push('docker.defaultBridgeName');
    return this.bridgeName;
  }
}

export class FakeCache implements AgentImageCache {
  state = 1;
  desiredError: Error | undefined;
  downloadError: Error | undefined;
  constructor(private readonly calls: CallLog) {}
  async status() {
    this.calls.push('cache.status');
    return this.state;
  }
  async isCached() {
    this.calls.push('cache.isCached');
    return this.state !== 0;
  }
  async downloadAgent() {
    this.calls.push('cache.downloadAgent');
    if (this.downloadError) throw this.downloadError;
  }
  async openCachedAgent() {
    this.calls.push('cache.openCachedAgent');
    return Readable.from(['cached-tar']);
  }
  async openDesiredAgent() {
    this.calls.push('cache.openDesiredAgent');
    if (this.desiredError) throw this.desiredError;
    return Readable.from(['desired-tar']);
  }
  async recordCachedAgent() {
    this.calls.push('cache.recordCachedAgent');
    this.state = 1;
  }
}

/** A clock whose sleeps return at once (or when aborted), recording each requested delay. */
export function fakeClock(calls: CallLog): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(0),
    sleep: async (ms) => {
      calls.push(`clock.sleep ${ms}`);
      sleeps.push(ms);
    },
  };
}

export const TEST_HOST: HostFacts = {
  osFamily: 'debian_12',
  certsDir: undefined,
  pkiDir: undefined,
  cgroupMountpoint: '/sys/fs/cgroup',
  ebsDirExists: true,
  nvidiaDevicesPresent: false,
  credentialsFetcherSocketExists: false,
  managedAgentsDirExists: false,
  execCommandDirExists: false,
  nsenterPath: undefined,
  modinfoPath: undefined,
  cloudInitResultExists: false,
};

/** An Engine over fakes only; `env` feeds readInitSettings. */
export function fakeEngine(env: Record<string, string> = {}, root = mkdtempSync(path.join(tmpdir(), 'ecs-init-engine-')), overrides: Partial<EngineDeps> = {}) {
  const calls: CallLog = [];
  const recorder = recordingLogger();
  const docker = new FakeDocker(calls);
  const cache = new FakeCache(calls);
  const clock = fakeClock(calls);
  const failures: Record<string, Error> = {};
  const step = (name: string) => async (arg?: unknown) => {
    calls.push(arg === undefined ? name : `${name} ${JSON.stringify(arg)}`);
    if (failures[name]) throw failures[name];
  };
  let dockerReachable = true;
  const deps: EngineDeps = {
    settings: readInitSettings(env, new HostPaths(root), recorder.log),
    log: recorder.log,
    clock,
    connectDocker: async () => {
      calls.push('connectDocker');
      if (!dockerReachable) throw new Error('connect ENOENT /var/run/docker.sock');
      return docker;
    },
    cache,
    loopbackRouting: { enable: step('sysctl.enableLoopbackRouting'), restoreDefault: step('sysctl.restoreLoopbackRouting') },
    routerAdvertisements: { disable: step('sysctl.disableRouterAdvertisements') },
    credentialsProxyRoute: { create: step('iptables.create'), remove: step('iptables.remove') },
    nvidiaGpus: { setup: step('gpu.setup') },
    loadAgentConfig: async () => ({ ECS_CLUSTER: 'test' }),
    probeHost: async () => TEST_HOST,
    restartBackoff: { min: 500, max: 15_000, jitter: 0.1, multiple: 2, random: () => 0 },
    ...overrides,
  };
  return {
    engine: new Engine(deps),
    calls,
    docker,
    cache,
    clock,
    failures,
    setDockerReachable: (reachable: boolean) => (dockerReachable = reachable),
    ...recorder,
  };
}
