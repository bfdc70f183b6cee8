import { mkdir } from 'node:fs/promises';
import { formatGoDuration, type Clock, type Logger } from '@fractal-ecs/common';
import { AGENT_RESTART_BACKOFF, ExponentialBackoff, type BackoffOptions } from '../backoff';
import { CacheStatus, type AgentImageCache } from '../cache';
import type { EnvMap, InitSettings } from '../config';
import type { DockerClient } from '../docker';
import type { NetfilterSettings } from '../iptables';
import { buildAgentContainer } from './agent-container';
import { TerminalError, wrapError } from './errors';
import { ebsMountDir, type HostFacts } from './host-facts';

/** Agent exit codes ecs-init reacts to (agent/sighandlers/exitcodes upstream). */
export const AgentExitCode = {
  Success: 0,
  /** Not an agent code: ecs-init's trigger to capture the container log before restarting. */
  ContainerFailure: 2,
  Terminal: 5,
  /** The agent wrote desired-image and wants the new image loaded. */
  Upgrade: 42,
} as const;

const STOP_TIMEOUT_SECONDS = 10;
const LOG_TAIL_LINES = 200;

export interface LoopbackRoutingControl {
  enable(): Promise<void>;
  restoreDefault(): Promise<void>;
}
export interface RouterAdvertisementsControl {
  disable(): Promise<void>;
}
export interface CredentialsProxyRouteControl {
  create(settings: NetfilterSettings): Promise<void>;
  remove(settings: NetfilterSettings): Promise<void>;
}

export interface GpuSetupControl {
  setup(): Promise<void>;
}

export interface EngineDeps {
  settings: InitSettings;
  log: Logger;
  clock: Clock;
  /** Connects (with the ping retries) on first use only: post-stop never needs Docker. */
  connectDocker(): Promise<DockerClient>;
  cache: AgentImageCache;
  loopbackRouting: LoopbackRoutingControl;
  routerAdvertisements: RouterAdvertisementsControl;
  credentialsProxyRoute: CredentialsProxyRouteControl;
  /** NVIDIA GPU inventory for the agent, run when ecs.config enables GPU support. */
  nvidiaGpus: GpuSetupControl;
  /** ecs.config files, re-read for every agent start so edits apply on restart. */
  loadAgentConfig(): Promise<EnvMap>;
  probeHost(): Promise<HostFacts>;
  restartBackoff?: BackoffOptions;
}

/** The ecs-init verbs. Each method is one init-system hook. */
export class Engine {
  private docker: Promise<DockerClient> | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: EngineDeps) {
    this.log = deps.log;
  }

  /** pre-start: GPUs, host networking, then make sure the agent image is in Docker. */
  async preStart(): Promise<void> {
    const docker = await this.dockerClient();
    // Upstream reads the file map (ecs.config), not the environment, for this switch.
    if ((await this.deps.loadAgentConfig()).ECS_ENABLE_GPU_SUPPORT === 'true') {
      this.log.info('pre-start: setting up GPUs');
      await this.deps.nvidiaGpus.setup().catch((err) => {
        throw wrapError('Nvidia GPU Manager', err);
      });
      this.log.info('pre-start: done setting up GPUs');
    }
    const bridgeName = await docker.defaultBridgeName().catch((err) => {
      throw wrapError('could not find the default docker bridge network', err);
    });
    if (bridgeName === undefined) this.log.info('No docker bridge network found, skipping bridge-specific iptables rules');

    this.log.info('pre-start: enabling loopback routing');
    await this.deps.loopbackRouting.enable().catch((err) => {
      throw wrapError('could not enable loopback routing', err);
    });
    this.log.info('pre-start: disabling ipv6 router advertisements');
    await this.deps.routerAdvertisements.disable().catch((err) => {
      throw wrapError('could not disable ipv6 router advertisements', err);
    });
    this.log.info('pre-start: creating credentials proxy route');
    await this.deps.credentialsProxyRoute.create(this.netfilterSettings(bridgeName)).catch((err) => {
      throw wrapError('could not create route to the credentials proxy', err);
    });
    await mkdir(ebsMountDir(this.deps.settings.paths), { recursive: true, mode: 0o755 }).catch((err: Error) => {
      // The agent is then told EBS task attach is unsupported.
      this.log.error(`could not create EBS mount directory: ${err.message}`);
    });

    this.log.info('pre-start: checking ecs agent container image loaded presence');
    const loaded = await docker.isImageLoaded(this.deps.settings.agentImage).catch((err) => {
      throw wrapError('could not check Docker for Agent image presence', err);
    });
    this.log.info(`pre-start: ecs agent container image loaded presence: ${loaded}`);

    const status = await this.deps.cache.status();
    switch (status) {
      case CacheStatus.Uncached:
        this.log.info('pre-start: downloading agent');
        await this.downloadAgent();
        return this.loadCachedAgent(docker);
      case CacheStatus.ReloadNeeded:
        this.log.info('pre-start: reloading agent');
        return this.loadCachedAgent(docker);
      case CacheStatus.Cached:
        if (loaded) return;
        this.log.info('pre-start: loading cached agent');
        return this.loadCachedAgent(docker);
      default:
        throw new Error(`could not handle cache state: ${status}`);
    }
  }

  /**
   * start: runs the agent container until it exits 0 (return) or 5 (TerminalError), restarting it
   * with backoff otherwise. Aborting `signal` stops the container and returns.
   */
  async startSupervised(signal?: AbortSignal): Promise<void> {
    const docker = await this.dockerClient();
    const backoff = new ExponentialBackoff(this.deps.restartBackoff ?? AGENT_RESTART_BACKOFF);
    let runningId: string | undefined;
    let stopping: Promise<unknown> | undefined;
    const stopRunning = () => {
      if (runningId === undefined) return;
      this.log.info('Stopping Amazon Elastic Container Service Agent');
      stopping = docker.stop(runningId, STOP_TIMEOUT_SECONDS).catch((err: Error) => {
        this.log.error(`could not stop Amazon Elastic Container Service Agent: ${err.message}`);
      });
    };
    signal?.addEventListener('abort', stopRunning, { once: true });
    try {
      while (!signal?.aborted) {
        await this.removeExistingAgentContainer(docker);
        this.log.info('Starting Amazon Elastic Container Service Agent');
        const spec = await this.agentContainerSpec(docker.apiVersion);
        const id = await docker.createAndStart(spec).catch((err) => {
          throw wrapError('could not start Agent', err);
        });
        runningId = id;
        // A signal that arrived while the container was being created finds it now.
        if (signal?.aborted) stopRunning();
        const exitCode = await docker.wait(id).catch((err) => {
          throw wrapError('could not start Agent', err);
        });
        runningId = undefined;
        this.log.info(`Agent exited with code ${exitCode}`);
        if (signal?.aborted) return;

        switch (exitCode) {
          case AgentExitCode.Success:
            return;
          case AgentExitCode.Terminal:
            throw new TerminalError(exitCode);
          case AgentExitCode.Upgrade:
            if (await this.upgradeAgent(docker)) continue;
            break;
          case AgentExitCode.ContainerFailure:
            await this.logContainerTail(docker, id);
            break;
        }
        const delay = backoff.duration();
        this.log.warn(`ECS Agent failed to start, retrying in ${formatGoDuration(delay)}`);
        await this.deps.clock.sleep(delay, signal);
      }
    } finally {
      signal?.removeEventListener('abort', stopRunning);
      await stopping;
    }
  }

  /** stop / pre-stop: `docker stop -t 10` the agent; a missing or stopped agent is fine. */
  async preStop(): Promise<void> {
    const docker = await this.dockerClient();
    this.log.info('Stopping Amazon Elastic Container Service Agent');
    const id = await docker.findContainer(this.deps.settings.agentContainerName).catch((err) => {
      throw wrapError('could not stop Amazon Elastic Container Service Agent', err);
    });
    if (id === undefined) {
      this.log.info('No running Agent to stop');
      return;
    }
    const outcome = await docker.stop(id, STOP_TIMEOUT_SECONDS).catch((err) => {
      throw wrapError('could not stop Amazon Elastic Container Service Agent', err);
    });
    if (outcome === 'not-running') this.log.info('Agent is already stopped');
    if (outcome === 'not-found') this.log.info('No running Agent to stop');
  }

  /**
   * post-stop: undoes pre-start's host changes. Never touches Docker, so it works with the daemon down;
   * the netfilter code removes the bridge rule from its own record of what pre-start added.
   */
  async postStop(): Promise<void> {
    this.log.info('Cleaning up the credentials endpoint setup for Amazon Elastic Container Service Agent');
    let restoreError: unknown;
    await this.deps.loopbackRouting.restoreDefault().catch((err) => {
      restoreError = err;
    });
    // Rules may never have been added (pre-start failed early): removal errors do not fail post-stop.
    await this.deps.credentialsProxyRoute.remove(this.netfilterSettings(undefined)).catch((err: Error) => {
      this.log.warn(`could not remove the credentials proxy route: ${err.message}`);
    });
    if (restoreError !== undefined) throw wrapError('could not restore loopback routing', restoreError);
  }

  /** reload-cache: loads the cached tarball into Docker (the rollback after a bad self-update). */
  async reloadCache(): Promise<void> {
    const docker = await this.dockerClient();
    if (!(await this.deps.cache.isCached())) await this.downloadAgent();
    await this.loadCachedAgent(docker);
  }

  private dockerClient(): Promise<DockerClient> {
    this.docker ??= this.deps.connectDocker().catch((err) => {
      throw wrapError('could not create docker client', err);
    });
    return this.docker;
  }

  private netfilterSettings(bridgeName: string | undefined): NetfilterSettings {
    const { settings } = this.deps;
    return {
      skipLocalhostTrafficFilter: settings.skipLocalhostTrafficFilter,
      allowOffhostIntrospectionAccess: settings.allowOffhostIntrospectionAccess,
      offhostIntrospectionInterface: settings.offhostIntrospectionInterface,
      bridgeName,
    };
  }

  private async agentContainerSpec(dockerApiVersion: string) {
    const [agentConfig, host] = await Promise.all([this.deps.loadAgentConfig(), this.deps.probeHost()]);
    return buildAgentContainer({ settings: this.deps.settings, agentConfig, dockerApiVersion, host }, this.log);
  }

  private async removeExistingAgentContainer(docker: DockerClient): Promise<void> {
    try {
      const id = await docker.findContainer(this.deps.settings.agentContainerName);
      if (id === undefined) {
        this.log.info('No existing agent container to remove.');
        return;
      }
      this.log.info(`Removing existing agent container ID: ${id}`);
      await docker.removeContainer(id);
    } catch (err) {
      throw wrapError('could not remove existing Agent container', err);
    }
  }

  private async downloadAgent(): Promise<void> {
    this.log.info('Downloading Amazon Elastic Container Service Agent');
    await this.deps.cache.downloadAgent().catch((err) => {
      throw wrapError('could not download Amazon Elastic Container Service Agent', err);
    });
  }

  private async loadCachedAgent(docker: DockerClient): Promise<void> {
    this.log.info('Loading Amazon Elastic Container Service Agent into Docker');
    const tarball = await this.deps.cache.openCachedAgent().catch((err) => {
      throw wrapError('could not load Amazon Elastic Container Service Agent from cache', err);
    });
    await docker.loadImage(tarball).catch((err) => {
      tarball.destroy();
      throw wrapError('could not load Amazon Elastic Container Service Agent into Docker', err);
    });
    await this.deps.cache.recordCachedAgent();
  }

  /** Exit 42: load the image the agent downloaded. False (logged) when that fails: the old image runs again. */
  private async upgradeAgent(docker: DockerClient): Promise<boolean> {
    this.log.info('Loading new desired Amazon Elastic Container Service Agent into Docker');
    try {
      const tarball = await this.deps.cache.openDesiredAgent();
      await docker.loadImage(tarball).catch((err) => {
        tarball.destroy();
        throw err;
      });
      await this.deps.cache.recordCachedAgent();
      return true;
    } catch (err) {
      this.log.error(`could not upgrade agent: ${(err as Error).message}`);
      return false;
    }
  }

  private async logContainerTail(docker: DockerClient, id: string): Promise<void> {
    let tail: string;
    try {
      tail = await docker.logTail(id, LOG_TAIL_LINES);
    } catch (err) {
      this.log.warn(`Unable to tail logs for container ID: ${id}: ${(err as Error).message}`);
      return;
    }
    this.log.info('Captured the last 200 lines of the agent container logs====>\n');
    this.log.info(tail);
    this.log.info('<====end 200 lines of the failed agent container logs\n');
  }
}
