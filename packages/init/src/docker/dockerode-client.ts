import type { Readable } from 'node:stream';
import Dockerode from 'dockerode';
import type { Clock, Logger } from '@fractal-ecs/common';
import type { BackoffOptions } from '../backoff';
import type { AgentContainerSpec, DockerClient, StopOutcome } from './client';
import { readLoadResponse } from './load-response';
import { demuxLogs } from './log-frames';
import { pingWithRetry } from './ping';

const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';
const DEFAULT_BRIDGE_OPTION = 'com.docker.network.bridge.default_bridge';

export interface ConnectOptions {
  socketPath: string;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Ping retry schedule; upstream's 1..3 s, five retries, by default. */
  pingBackoff?: BackoffOptions;
}

/** Waits for the daemon on the socket, learns its API version, and returns the client. */
export async function connectDocker(options: ConnectOptions): Promise<DockerClient> {
  const docker = new Dockerode({ socketPath: options.socketPath });
  await pingWithRetry(() => docker.ping(), { clock: options.clock, log: options.log, backoff: options.pingBackoff });
  const { ApiVersion } = await docker.version();
  options.log.info(`Successfully created docker client with API version ${ApiVersion}`);
  return new DockerodeClient(docker, ApiVersion, options.log);
}

/** The only code that talks to dockerode. */
export class DockerodeClient implements DockerClient {
  constructor(
    private readonly docker: Dockerode,
    readonly apiVersion: string,
    private readonly log: Pick<Logger, 'debug'>,
  ) {}

  async isImageLoaded(image: string): Promise<boolean> {
    const images = await this.docker.listImages({ all: true, filters: { reference: [image] } });
    return images.some((summary) => (summary.RepoTags ?? []).includes(image));
  }

  async loadImage(tarball: Readable): Promise<void> {
    const body = (await this.docker.loadImage(tarball, {})) as unknown as AsyncIterable<Buffer>;
    for (const message of await readLoadResponse(body)) this.log.debug(message);
  }

  async findContainer(name: string): Promise<string | undefined> {
    const containers = await this.docker.listContainers({ all: true, filters: { name: [name] } });
    // The name filter matches substrings; only the exact name counts.
    return containers.find((c) => c.Names.includes(`/${name}`))?.Id;
  }

  async removeContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).remove({ force: true });
  }

  async createAndStart(spec: AgentContainerSpec): Promise<string> {
    const container = await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Env: spec.env,
      Labels: spec.labels,
      HostConfig: spec.hostConfig,
    });
    await container.start();
    return container.id;
  }

  async wait(id: string): Promise<number> {
    const result = (await this.docker.getContainer(id).wait()) as { StatusCode: number };
    return result.StatusCode;
  }

  async stop(id: string, timeoutSeconds: number): Promise<StopOutcome> {
    try {
      await this.docker.getContainer(id).stop({ t: timeoutSeconds });
      return 'stopped';
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 304) return 'not-running';
      if (status === 404) return 'not-found';
      throw err;
    }
  }

  async logTail(id: string, lines: number): Promise<string> {
    const body = await this.docker
      .getContainer(id)
      .logs({ stdout: true, stderr: true, tail: lines, timestamps: true, follow: false });
    return demuxLogs(body);
  }

  async defaultBridgeName(): Promise<string | undefined> {
    const networks = await this.docker.listNetworks({ filters: { driver: ['bridge'] } });
    const bridge = networks.find((n) => n.Options?.[DEFAULT_BRIDGE_OPTION] === 'true');
    return bridge?.Options?.[BRIDGE_NAME_OPTION] || undefined;
  }
}
