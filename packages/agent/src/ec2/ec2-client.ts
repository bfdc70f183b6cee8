import { Agent as HttpsAgent } from 'node:https';
import { DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { parseGoBool } from '@fractal-ecs/common';
import type { Env } from '../config/environment';
import type { CredentialsProvider } from '../wsclient';
import type { Ec2TagsApi } from './instance-tags';

export interface Ec2ClientOptions {
  readonly region: string;
  readonly credentials: CredentialsProvider;
  /** Flag `-k`. */
  readonly acceptInsecureCert: boolean;
  /** The agent's environment: where the endpoint override is read. */
  readonly env: Env;
}

/** Upstream's EC2 client retries 5 times. */
const MAX_ATTEMPTS = 6;

/**
 * The endpoint the SDK's configured-endpoint rules give EC2 in `env`: AWS_ENDPOINT_URL_EC2, else
 * AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true. Read here from the agent's own
 * environment (the SDK only looks at process.env) so an in-process agent honours it too.
 */
export function ec2EndpointOverride(env: Env): string | undefined {
  if (parseGoBool(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '') === true) return undefined;
  return env.AWS_ENDPOINT_URL_EC2 || env.AWS_ENDPOINT_URL || undefined;
}

export function createEc2Client(options: Ec2ClientOptions): EC2Client {
  const endpoint = ec2EndpointOverride(options.env);
  return new EC2Client({
    region: options.region,
    credentials: options.credentials,
    maxAttempts: MAX_ATTEMPTS,
    ...(endpoint ? { endpoint } : {}),
    ...(options.acceptInsecureCert ? { requestHandler: new NodeHttpHandler({ httpsAgent: new HttpsAgent({ rejectUnauthorized: false }) }) } : {}),
  });
}

export function sdkEc2TagsApi(client: EC2Client): Ec2TagsApi {
  return { describeTags: (input) => client.send(new DescribeTagsCommand(input)) };
}
