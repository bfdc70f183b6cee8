import { Agent as HttpsAgent } from 'node:https';
import { ECSClient } from '@aws-sdk/client-ecs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CredentialsProvider } from '../wsclient';

export interface EcsClientOptions {
  readonly region: string;
  /** ECS_BACKEND_HOST; undefined = the SDK's regional endpoint. */
  readonly endpoint: string | undefined;
  readonly credentials: CredentialsProvider;
  /** Flag `-k`. */
  readonly acceptInsecureCert: boolean;
  /** Upstream: "Amazon ECS Agent - v<version> (<hash>) (linux) (+http://aws.amazon.com/ecs/)". */
  readonly userAgent: string;
}

/** Upstream's API client allows 5 s per call. */
const API_TIMEOUT_MS = 5_000;

export function createEcsClient(options: EcsClientOptions): ECSClient {
  return new ECSClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: withScheme(options.endpoint) } : {}),
    credentials: options.credentials,
    customUserAgent: options.userAgent,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: API_TIMEOUT_MS,
      requestTimeout: API_TIMEOUT_MS,
      ...(options.acceptInsecureCert ? { httpsAgent: new HttpsAgent({ rejectUnauthorized: false }) } : {}),
    }),
  });
}

/** Go's SDK takes a bare host name as https. */
export function withScheme(endpoint: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
}
