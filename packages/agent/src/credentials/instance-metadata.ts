import { MetadataService } from '@aws-sdk/ec2-metadata-service';

/** The signed instance identity document RegisterContainerInstance carries. */
export interface InstanceIdentity {
  readonly document: string;
  readonly signature: string;
}

/**
 * EC2 instance metadata as the agent uses it. Every method rejects when IMDS cannot answer; callers
 * decide whether that matters (upstream: a missing identity document is only logged).
 */
export interface InstanceMetadata {
  identity(): Promise<InstanceIdentity>;
  /** The `region` of the identity document. */
  region(): Promise<string>;
  instanceId(): Promise<string>;
  /** Raw user data (JSON `{"ECSAgentConfiguration":{...}}` is a config source). */
  userData(): Promise<string>;
  /** `spot/instance-action`: the interruption notice JSON, or undefined while none is scheduled (404). */
  spotInstanceAction(): Promise<string | undefined>;
}

const IDENTITY_DOCUMENT = '/latest/dynamic/instance-identity/document';
const IDENTITY_SIGNATURE = '/latest/dynamic/instance-identity/signature';

/**
 * IMDS through the SDK's client (IMDSv2 tokens, v1 fallback), with short timeouts off EC2. `endpoint`
 * is AWS_EC2_METADATA_SERVICE_ENDPOINT from the agent's environment; unset, the SDK's own resolution
 * applies (the same variable in process.env, the profile, then 169.254.169.254).
 */
export function imdsInstanceMetadata(options: { timeoutMs?: number; retries?: number; endpoint?: string } = {}): InstanceMetadata {
  const service = new MetadataService({
    httpOptions: { timeout: options.timeoutMs ?? 1_000 },
    retries: options.retries ?? 1,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const get = (path: string) => service.request(path, {});
  let identity: Promise<InstanceIdentity> | undefined;
  const metadata: InstanceMetadata = {
    identity() {
      identity ??= Promise.all([get(IDENTITY_DOCUMENT), get(IDENTITY_SIGNATURE)]).then(([document, signature]) => ({ document, signature }));
      identity.catch(() => (identity = undefined));
      return identity;
    },
    async region() {
      const { document } = await metadata.identity();
      const region = (JSON.parse(document) as { region?: unknown }).region;
      if (typeof region !== 'string' || region === '') throw new Error(`instance identity document: region: expected a region name, got ${JSON.stringify(region ?? null)}`);
      return region;
    },
    instanceId: () => get('/latest/meta-data/instance-id'),
    userData: () => get('/latest/user-data'),
    spotInstanceAction: () =>
      get('/latest/meta-data/spot/instance-action').catch((error: { $metadata?: { httpStatusCode?: number } }) => {
        if (error.$metadata?.httpStatusCode === 404) return undefined;
        throw error;
      }),
  };
  return metadata;
}

/** ECS_EXTERNAL and `-blackhole-ec2-metadata`: no instance metadata at all. */
export function unavailableInstanceMetadata(reason: string): InstanceMetadata {
  const refuse = async (): Promise<never> => {
    throw new Error(`instance metadata is not used: ${reason}`);
  };
  return { identity: refuse, region: refuse, instanceId: refuse, userData: refuse, spotInstanceAction: refuse };
}
