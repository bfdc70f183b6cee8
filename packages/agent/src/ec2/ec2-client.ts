import { Agent as HttpsAgent } from 'node:https';
import type { EC2Client } from '@aws-sdk/client-ec2';
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

/** An EC2 client for the options; the SDK's EC2 module (its largest) is loaded on this first call only. */
async function createEc2Client(options: Ec2ClientOptions): Promise<EC2Client> {
  const { EC2Client } = await import('@aws-sdk/client-ec2');
  const endpoint = ec2EndpointOverride(options.env);
  return new EC2Client({
    region: options.region,
    credentials: options.credentials,
    maxAttempts: MAX_ATTEMPTS,
    ...(endpoint ? { endpoint } : {}),
    ...(options.acceptInsecureCert ? { requestHandler: new NodeHttpHandler({ httpsAgent: new HttpsAgent({ rejectUnauthorized: false }) }) } : {}),
  });
}

/** DescribeTags through one client, created when first asked. */
export function sdkEc2TagsApi(options: Ec2ClientOptions): Ec2TagsApi {
  let client: Promise<EC2Client> | undefined;
  return {
    async describeTags(input) {
      client ??= createEc2Client(options);
      const { DescribeTagsCommand } = await import('@aws-sdk/client-ec2');
      return (await client).send(new DescribeTagsCommand(input));
    },
  };
}
