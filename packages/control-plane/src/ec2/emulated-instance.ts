import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

/** What IMDS tells about the one EC2 instance the control plane stands in for (the agent's host). */
export interface Ec2InstanceFacts {
  instanceId: string;
  region: string;
  availabilityZone: string;
  accountId: string;
  instanceType: string;
  imageId: string;
  privateIp: string;
  architecture: string;
}

export type SpotAction = 'terminate' | 'stop' | 'hibernate';

export interface Ec2Tag {
  resourceId: string;
  resourceType: string;
  key: string;
  value: string;
}

/** EC2's resource types by ID prefix, for the resourceType DescribeTags reports. */
const RESOURCE_TYPES: [prefix: string, type: string][] = [
  ['i-', 'instance'],
  ['ami-', 'image'],
  ['vol-', 'volume'],
  ['snap-', 'snapshot'],
  ['sg-', 'security-group'],
  ['subnet-', 'subnet'],
  ['vpc-', 'vpc'],
  ['eni-', 'network-interface'],
];

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function resourceTypeOf(resourceId: string): string | undefined {
  return RESOURCE_TYPES.find(([prefix]) => resourceId.startsWith(prefix))?.[1];
}

/**
 * The EC2 side of the local control plane: the host instance's identity, the tags of EC2 resources
 * and a spot interruption notice tests can schedule. Kept in memory: it describes the running host,
 * not cluster state.
 */
export class EmulatedEc2 {
  readonly instance: Ec2InstanceFacts;
  private readonly tagsByResource = new Map<string, Map<string, string>>();
  private spotNotice: { action: SpotAction; time: string } | undefined;
  private signingKey: KeyObject | undefined;
  private readonly launchedAt: Date;

  constructor(
    facts: Partial<Ec2InstanceFacts> & Pick<Ec2InstanceFacts, 'region' | 'accountId'>,
    private readonly now: () => Date,
  ) {
    this.instance = {
      instanceId: `i-0${randomBytes(8).toString('hex')}`,
      availabilityZone: `${facts.region}a`,
      instanceType: 'm5.large',
      imageId: 'ami-0123456789abcdef0',
      privateIp: '10.0.0.10',
      architecture: 'x86_64',
      ...facts,
    };
    this.launchedAt = now();
  }

  /** CreateTags: adds or overwrites. */
  setTags(resourceId: string, tags: Readonly<Record<string, string>>): void {
    const existing = this.tagsByResource.get(resourceId) ?? new Map<string, string>();
    for (const [key, value] of Object.entries(tags)) existing.set(key, value);
    this.tagsByResource.set(resourceId, existing);
  }

  /** DeleteTags: a key with a value is deleted only when the value matches, as EC2 does. */
  deleteTags(resourceId: string, tags: readonly { key: string; value?: string }[]): void {
    const existing = this.tagsByResource.get(resourceId);
    if (!existing) return;
    for (const { key, value } of tags) if (value === undefined || existing.get(key) === value) existing.delete(key);
  }

  /** Every tag, ordered by resource then key (DescribeTags pages over this order). */
  allTags(): Ec2Tag[] {
    return [...this.tagsByResource]
      .sort(([a], [b]) => byCodePoint(a, b))
      .flatMap(([resourceId, tags]) =>
        [...tags].sort(([a], [b]) => byCodePoint(a, b)).map(([key, value]) => ({ resourceId, resourceType: resourceTypeOf(resourceId) ?? 'instance', key, value })),
      );
  }

  /** Makes `spot/instance-action` answer; by default a termination two minutes from now, as EC2 gives. */
  scheduleSpotInterruption(action: SpotAction = 'terminate', time = new Date(this.now().getTime() + 120_000)): void {
    this.spotNotice = { action, time: time.toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  cancelSpotInterruption(): void {
    this.spotNotice = undefined;
  }

  /** The notice JSON, or undefined (IMDS answers 404) while none is scheduled. */
  spotInstanceAction(): string | undefined {
    return this.spotNotice ? JSON.stringify(this.spotNotice) : undefined;
  }

  /** The instance identity document, laid out as EC2 serves it. */
  identityDocument(): string {
    const i = this.instance;
    const document = {
      accountId: i.accountId,
      architecture: i.architecture,
      availabilityZone: i.availabilityZone,
      billingProducts: null,
      devpayProductCodes: null,
      marketplaceProductCodes: null,
      imageId: i.imageId,
      instanceId: i.instanceId,
      instanceType: i.instanceType,
      kernelId: null,
      pendingTime: this.launchedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      privateIp: i.privateIp,
      ramdiskId: null,
      region: i.region,
      version: '2017-09-30',
    };
    return JSON.stringify(document, null, 2).replace(/": /g, '" : ');
  }

  /**
   * Base64 SHA256withRSA signature of the document, by a key made for this process (EC2 signs with
   * a published regional key; nothing here checks it, but it has the real shape).
   */
  identitySignature(): string {
    this.signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    return createSign('sha256').update(this.identityDocument()).sign(this.signingKey, 'base64');
  }
}
