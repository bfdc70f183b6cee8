import { Agent } from 'node:http';
import Dockerode from 'dockerode';
import type { Clock } from '@fractal-ecs/common';
import { ConcurrencyLimiter } from './concurrency-limiter';
import type {
  CallOptions,
  ContainerCreateOptions,
  ContainerInspectInfo,
  ContainerStats,
  ContainerSummary,
  DockerClient,
  DockerVersion,
  DockerSystemInfo,
  ImageInspectInfo,
  ImageSummary,
  ListContainersOptions,
  ListImagesOptions,
  PullOptions,
  RegistryAuth,
  StopContainerResult,
  VolumeCreateOptions,
  VolumeInspectInfo,
} from './docker-client';
import {
  CannotPullContainerError,
  DockerError,
  DockerOperationError,
  DockerTimeoutError,
  NoSuchContainerError,
  NoSuchImageError,
  NoSuchVolumeError,
  type DockerOperation,
} from './docker-errors';
import type { DockerEvent, EventSubscription, EventSubscriptionOptions } from './docker-events';
import { DOCKER_TIMEOUTS } from './docker-timeouts';
import { ReconnectingEventStream } from './event-stream';
import { withDefaultTag } from './image-ref';
import { followPullProgress } from './pull-progress';

export interface DockerodeClientOptions {
  /** DOCKER_HOST: `unix:///path` or `tcp://host:port`. */
  readonly endpoint: string;
  /** Paces event-stream reconnects. */
  readonly clock: Clock;
  /**
   * Most container creates and starts in flight at once. Docker serialises much of both; past a few
   * concurrent calls it only queues them internally.
   */
  readonly maxConcurrentLifecycleCalls?: number;
}

/** Measured on 2 cores (Docker 20.10): creates+starts of busybox containers peak around here. */
const DEFAULT_LIFECYCLE_CONCURRENCY = 4;

type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'HEAD';

interface Request {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query?: Record<string, unknown>;
  readonly body?: unknown;
  /** Success codes besides 200, 201 and 204. */
  readonly alsoOk?: readonly number[];
  readonly stream?: boolean;
  readonly auth?: RegistryAuth;
}

interface Deadline {
  /** Upstream's name for the transition that timed out ("created", "stopped", ...). */
  readonly transition: string;
  readonly timeoutMs: number;
}

/** A failed modem call: dockerode's error, or a socket error. */
interface ModemError extends Error {
  statusCode?: number;
  json?: unknown;
}

/** The part of docker-modem we use: one HTTP exchange. */
interface Modem {
  dial(options: object, callback: (error: ModemError | null, data: unknown) => void): void;
}

type ErrorKind = 'container' | 'image' | 'volume' | 'other';

/**
 * The Engine API over dockerode's modem: one keep-alive socket pool, no version prefix (the daemon's
 * own API version, so no negotiation round trip), no call the engine did not ask for.
 */
export class DockerodeDockerClient implements DockerClient {
  readonly #modem: Modem;
  readonly #lifecycle: ConcurrencyLimiter;
  /** `/v1.41` when the daemon speaks it (asked once, from /version), else '' (no one-shot). */
  #statsPrefix: Promise<string> | undefined;

  constructor(private readonly options: DockerodeClientOptions) {
    const docker = new Dockerode({ ...endpointOptions(options.endpoint), agent: new Agent({ keepAlive: true }) } as Dockerode.DockerOptions);
    this.#modem = docker.modem as Modem;
    this.#lifecycle = new ConcurrencyLimiter(options.maxConcurrentLifecycleCalls ?? DEFAULT_LIFECYCLE_CONCURRENCY);
  }

  async ping(call?: CallOptions): Promise<void> {
    await this.#call({ method: 'GET', path: '/_ping' }, call, { transition: 'pinged', timeoutMs: DOCKER_TIMEOUTS.version }, 'CannotGetDockerVersionError', 'other');
  }

  version(call?: CallOptions): Promise<DockerVersion> {
    return this.#call({ method: 'GET', path: '/version' }, call, { transition: 'version', timeoutMs: DOCKER_TIMEOUTS.version }, 'CannotGetDockerVersionError', 'other');
  }

  info(call?: CallOptions): Promise<DockerSystemInfo> {
    return this.#call({ method: 'GET', path: '/info' }, call, { transition: 'info', timeoutMs: DOCKER_TIMEOUTS.version }, 'CannotGetDockerInfoError', 'other');
  }

  createContainer(name: string, options: ContainerCreateOptions, call?: CallOptions): Promise<string> {
    return this.#lifecycle.run(async () => {
      const created = await this.#call<{ Id: string }>(
        { method: 'POST', path: '/containers/create', query: { name }, body: options },
        call,
        { transition: 'created', timeoutMs: DOCKER_TIMEOUTS.createContainer },
        'CannotCreateContainerError',
        'other', // a 404 here is the image missing: the create error names it
      );
      return created.Id;
    });
  }

  startContainer(id: string, call?: CallOptions): Promise<void> {
    return this.#lifecycle.run(async () => {
      await this.#call(
        { method: 'POST', path: `/containers/${encodeURIComponent(id)}/start`, alsoOk: [304] },
        call,
        { transition: 'started', timeoutMs: DOCKER_TIMEOUTS.startContainer },
        'CannotStartContainerError',
        'container',
      );
    });
  }

  async stopContainer(id: string, timeoutSeconds: number, call?: CallOptions): Promise<StopContainerResult> {
    const status = await this.#call<{ statusCode: number }>(
      { method: 'POST', path: `/containers/${encodeURIComponent(id)}/stop`, query: { t: Math.max(0, Math.ceil(timeoutSeconds)) }, alsoOk: [304] },
      call,
      { transition: 'stopped', timeoutMs: timeoutSeconds * 1000 + DOCKER_TIMEOUTS.stopContainerExtra },
      'CannotStopContainerError',
      'container',
      true,
    );
    return { wasRunning: status.statusCode !== 304 };
  }

  async removeContainer(id: string, call?: CallOptions & { readonly force?: boolean }): Promise<void> {
    await this.#call(
      { method: 'DELETE', path: `/containers/${encodeURIComponent(id)}`, query: { v: 1, ...(call?.force ? { force: 1 } : {}) } },
      call,
      { transition: 'removing', timeoutMs: DOCKER_TIMEOUTS.removeContainer },
      'CannotRemoveContainerError',
      'container',
    );
  }

  inspectContainer(id: string, call?: CallOptions): Promise<ContainerInspectInfo> {
    return this.#call(
      { method: 'GET', path: `/containers/${encodeURIComponent(id)}/json` },
      call,
      { transition: 'inspecting', timeoutMs: DOCKER_TIMEOUTS.inspectContainer },
      'CannotInspectContainerError',
      'container',
    );
  }

  listContainers(options?: ListContainersOptions): Promise<ContainerSummary[]> {
    const filters = options?.labels?.length ? { label: [...options.labels] } : undefined;
    return this.#call(
      { method: 'GET', path: '/containers/json', query: { ...(options?.all ? { all: 1 } : {}), ...(filters ? { filters } : {}) } },
      options,
      { transition: 'listing', timeoutMs: DOCKER_TIMEOUTS.listContainers },
      'CannotListContainersError',
      'other',
    );
  }

  /**
   * One sample, answered at once (`one-shot`, API 1.41): without it dockerd waits for a second
   * collection to fill `precpu_stats`. The call names API 1.41 in its path when the daemon speaks it,
   * so one-shot is honoured whatever version an unversioned call would get.
   */
  async containerStats(id: string, call?: CallOptions): Promise<ContainerStats> {
    const prefix = await this.#oneShotStatsPrefix();
    return this.#call(
      { method: 'GET', path: `${prefix}/containers/${encodeURIComponent(id)}/stats`, query: prefix ? { stream: false, 'one-shot': true } : { stream: false } },
      call,
      { transition: 'stats', timeoutMs: DOCKER_TIMEOUTS.stats },
      'CannotGetContainerStatsError',
      'container',
    );
  }

  subscribeEvents(listener: (event: DockerEvent) => void, options?: EventSubscriptionOptions): EventSubscription {
    const open = (since: string | undefined, signal: AbortSignal) =>
      this.#dial<NodeJS.ReadableStream>(
        { method: 'GET', path: '/events', query: { filters: { type: ['container'] }, ...(since ? { since } : {}) }, stream: true },
        signal,
      );
    return new ReconnectingEventStream(open, listener, this.options.clock, options);
  }

  async pullImage(ref: string, auth: RegistryAuth | undefined, options?: PullOptions): Promise<void> {
    const image = withDefaultTag(ref);
    const overallMs = options?.timeoutMs ?? DOCKER_TIMEOUTS.pull;
    const overall = AbortSignal.timeout(overallMs);
    const signal = options?.signal ? AbortSignal.any([overall, options.signal]) : overall;
    try {
      const stream = await this.#dial<NodeJS.ReadableStream & { destroy(error?: Error): void }>(
        { method: 'POST', path: '/images/create', query: { fromImage: image }, stream: true, auth },
        signal,
      );
      await followPullProgress(image, stream, {
        beginTimeoutMs: options?.beginTimeoutMs ?? DOCKER_TIMEOUTS.pullBegin,
        inactivityTimeoutMs: options?.inactivityTimeoutMs ?? DOCKER_TIMEOUTS.pullInactivity,
      });
    } catch (error) {
      if (overall.aborted) throw new DockerTimeoutError('pulled', overallMs);
      if (options?.signal?.aborted) throw options.signal.reason;
      if (error instanceof DockerError) throw error;
      const failure = error as ModemError;
      throw new CannotPullContainerError(image, `Error response from daemon: ${daemonMessage(failure)}`, failure.statusCode);
    }
  }

  inspectImage(ref: string, call?: CallOptions): Promise<ImageInspectInfo> {
    return this.#call(
      { method: 'GET', path: `/images/${encodeURIComponent(ref)}/json` },
      call,
      { transition: 'image inspected', timeoutMs: DOCKER_TIMEOUTS.inspectImage },
      'CannotInspectImageError',
      'image',
    );
  }

  listImages(options?: ListImagesOptions): Promise<ImageSummary[]> {
    const filters = {
      ...(options?.labels?.length ? { label: [...options.labels] } : {}),
      ...(options?.reference ? { reference: [options.reference] } : {}),
    };
    return this.#call(
      { method: 'GET', path: '/images/json', query: { ...(options?.all ? { all: 1 } : {}), ...(Object.keys(filters).length ? { filters } : {}) } },
      options,
      { transition: 'listing images', timeoutMs: DOCKER_TIMEOUTS.listImages },
      'CannotListImagesError',
      'other',
    );
  }

  async removeImage(ref: string, call?: CallOptions & { readonly force?: boolean }): Promise<void> {
    await this.#call(
      { method: 'DELETE', path: `/images/${encodeURIComponent(ref)}`, query: call?.force ? { force: 1 } : {} },
      call,
      { transition: 'image removed', timeoutMs: DOCKER_TIMEOUTS.removeImage },
      'CannotRemoveImageError',
      'image',
    );
  }

  createVolume(options: VolumeCreateOptions, call?: CallOptions): Promise<VolumeInspectInfo> {
    return this.#call(
      { method: 'POST', path: '/volumes/create', body: options },
      call,
      { transition: 'volume created', timeoutMs: DOCKER_TIMEOUTS.volume },
      'CannotCreateVolumeError',
      'other',
    );
  }

  inspectVolume(name: string, call?: CallOptions): Promise<VolumeInspectInfo> {
    return this.#call(
      { method: 'GET', path: `/volumes/${encodeURIComponent(name)}` },
      call,
      { transition: 'volume inspected', timeoutMs: DOCKER_TIMEOUTS.volume },
      'CannotInspectVolumeError',
      'volume',
    );
  }

  async removeVolume(name: string, call?: CallOptions): Promise<void> {
    await this.#call(
      { method: 'DELETE', path: `/volumes/${encodeURIComponent(name)}` },
      call,
      { transition: 'volume removed', timeoutMs: DOCKER_TIMEOUTS.volume },
      'CannotRemoveVolumeError',
      'volume',
    );
  }

  /**
   * One API call under its deadline (the caller's timeout, else the operation's) and the caller's
   * signal; failures become typed errors. `withStatus` answers `{statusCode}` instead of the body.
   */
  async #call<T>(
    request: Request,
    call: CallOptions | undefined,
    deadline: Deadline,
    operation: DockerOperation,
    kind: ErrorKind,
    withStatus = false,
  ): Promise<T> {
    const timeoutMs = call?.timeoutMs ?? deadline.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = call?.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
    try {
      return await this.#dial<T>(request, signal, withStatus);
    } catch (error) {
      if (timeout.aborted) throw new DockerTimeoutError(deadline.transition, timeoutMs);
      if (call?.signal?.aborted) throw call.signal.reason;
      throw typedError(error as ModemError, request.path, operation, kind);
    }
  }

  #oneShotStatsPrefix(): Promise<string> {
    this.#statsPrefix ??= this.version().then(
      (version) => (apiVersionAtLeast(version.ApiVersion, ONE_SHOT_STATS_API) ? `/v${ONE_SHOT_STATS_API}` : ''),
      () => {
        // Asked again at the next call; this one goes unversioned.
        this.#statsPrefix = undefined;
        return '';
      },
    );
    return this.#statsPrefix;
  }

  #dial<T>(request: Request, signal: AbortSignal, withStatus = false): Promise<T> {
    const statusCodes: Record<number, boolean> = { 200: true, 201: true, 204: true };
    for (const code of request.alsoOk ?? []) statusCodes[code] = true;
    return new Promise<T>((resolve, reject) => {
      this.#modem.dial(
        {
          path: `${request.path}?`,
          method: request.method,
          // An empty body object is dropped by the modem: start and stop must carry no body.
          options: { _query: request.query ?? {}, _body: request.body ?? {} },
          statusCodes,
          isStream: request.stream === true || withStatus,
          abortSignal: signal,
          ...(request.auth ? { authconfig: request.auth } : {}),
        },
        (error, data) => {
          if (error) return reject(error);
          if (!withStatus) return resolve(data as T);
          // Status-only calls (stop: 204 or 304) have no body worth reading.
          const response = data as NodeJS.ReadableStream & { statusCode: number; resume(): void };
          response.resume();
          resolve({ statusCode: response.statusCode } as T);
        },
      );
    });
  }
}

/** The first Engine API version with `one-shot` stats. */
const ONE_SHOT_STATS_API = '1.41';

/** Compares dotted API versions ("1.41" >= "1.9"); an unreadable version is not new enough. */
function apiVersionAtLeast(version: string | undefined, wanted: string): boolean {
  const parse = (text: string) => text.split('.').map(Number);
  const have = parse(version ?? '');
  if (have.some(Number.isNaN) || have.length < 2) return false;
  const want = parse(wanted);
  for (let i = 0; i < want.length; i += 1) {
    const a = have[i] ?? 0;
    if (a !== want[i]) return a > want[i]!;
  }
  return true;
}

function endpointOptions(endpoint: string): Dockerode.DockerOptions {
  if (endpoint.startsWith('unix://')) return { socketPath: endpoint.slice('unix://'.length) };
  const url = new URL(endpoint.includes('://') ? endpoint : `tcp://${endpoint}`);
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:') {
    throw new Error(`DOCKER_HOST: expected unix:///path or tcp://host:port, got ${JSON.stringify(endpoint)}`);
  }
  return { host: url.hostname, port: url.port || '2375', protocol: 'http' };
}

/** The daemon's own message (`{"message": ...}`), else the modem's text. */
function daemonMessage(error: ModemError): string {
  const json = error.json as { message?: unknown } | undefined;
  if (json && typeof json === 'object' && typeof json.message === 'string') return json.message;
  if (typeof error.json === 'string' && error.json.trim() !== '') return error.json.trim();
  return error.message;
}

function typedError(error: ModemError, path: string, operation: DockerOperation, kind: ErrorKind): DockerError {
  const message = daemonMessage(error);
  const target = decodeURIComponent(path.split('/')[2] ?? '');
  if (error.statusCode === 404) {
    if (kind === 'container') return new NoSuchContainerError(target, message);
    if (kind === 'image') return new NoSuchImageError(target, message);
    if (kind === 'volume') return new NoSuchVolumeError(target, message);
  }
  return new DockerOperationError(operation, message, error.statusCode, { cause: error });
}
