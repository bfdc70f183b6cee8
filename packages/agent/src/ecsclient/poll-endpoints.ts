import type { Clock } from '@fractal-ecs/common';
import type { EcsApi } from './ecs-api';

export interface PollEndpoints {
  /** ACS, e.g. https://ecs-a-1.us-west-2.amazonaws.com. */
  readonly acs: string;
  /** TCS, e.g. https://ecs-t-1.us-west-2.amazonaws.com. */
  readonly telemetry: string;
}

/** Upstream caches the answer for 20 minutes, shared by ACS and TCS, asked before every (re)connect. */
export const POLL_ENDPOINT_CACHE_TTL_MS = 20 * 60 * 1000;

/** DiscoverPollEndpoint for one registered instance, with upstream's cache. */
export class PollEndpointResolver {
  #cached: { endpoints: PollEndpoints; fetchedAt: number } | undefined;
  #inFlight: Promise<PollEndpoints> | undefined;

  constructor(
    private readonly api: EcsApi,
    private readonly instance: { readonly cluster: string; readonly containerInstanceArn: string },
    private readonly clock: Clock,
    private readonly ttlMs = POLL_ENDPOINT_CACHE_TTL_MS,
  ) {}

  async get(): Promise<PollEndpoints> {
    const now = this.clock.now().getTime();
    if (this.#cached && now - this.#cached.fetchedAt < this.ttlMs) return this.#cached.endpoints;
    // ACS and TCS reconnecting together share one call.
    this.#inFlight ??= this.fetch().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  private async fetch(): Promise<PollEndpoints> {
    const answer = await this.api.discoverPollEndpoint({ cluster: this.instance.cluster, containerInstance: this.instance.containerInstanceArn });
    if (!answer.endpoint) throw new Error(`DiscoverPollEndpoint: endpoint: expected a URL, got ${JSON.stringify(answer.endpoint ?? null)}`);
    if (!answer.telemetryEndpoint) {
      throw new Error(`DiscoverPollEndpoint: telemetryEndpoint: expected a URL, got ${JSON.stringify(answer.telemetryEndpoint ?? null)}`);
    }
    const endpoints = { acs: answer.endpoint, telemetry: answer.telemetryEndpoint };
    this.#cached = { endpoints, fetchedAt: this.clock.now().getTime() };
    return endpoints;
  }
}
