import type { DescribeTagsCommandInput, DescribeTagsCommandOutput } from '@aws-sdk/client-ec2';
import type { PropagateTagsFrom } from '../config';
import type { Tag } from '../wire';

/** The one EC2 call tag propagation makes; the SDK client in production, a fake in unit tests. */
export interface Ec2TagsApi {
  describeTags(input: DescribeTagsCommandInput): Promise<Pick<DescribeTagsCommandOutput, 'Tags' | 'NextToken'>>;
}

/** Upstream asks for 50 tags a page: the most an EC2 resource can carry. */
const TAGS_PER_PAGE = 50;
/** Tags EC2 manages itself (aws:cloudformation:stack-name, aws:autoscaling:groupName...); ECS refuses them. */
const AWS_RESERVED_PREFIX = 'aws:';

const reserved = (text: string | undefined) => (text ?? '').toLowerCase().startsWith(AWS_RESERVED_PREFIX);

/**
 * The instance's own tags, as upstream reads them: resource-id and resource-type filters, every page,
 * without the tags whose key or value starts with `aws:` (any case).
 */
export async function describeInstanceTags(api: Ec2TagsApi, instanceId: string): Promise<Tag[]> {
  const tags: Tag[] = [];
  let nextToken: string | undefined;
  do {
    const page = await api.describeTags({
      Filters: [
        { Name: 'resource-id', Values: [instanceId] },
        { Name: 'resource-type', Values: ['instance'] },
      ],
      MaxResults: TAGS_PER_PAGE,
      ...(nextToken ? { NextToken: nextToken } : {}),
    });
    for (const tag of page.Tags ?? []) {
      if (tag.Key === undefined || reserved(tag.Key) || reserved(tag.Value)) continue;
      tags.push({ key: tag.Key, value: tag.Value ?? '' });
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return tags;
}

/** EC2 tags with ECS_CONTAINER_INSTANCE_TAGS merged over them: a configured key wins. */
export function mergeInstanceTags(configured: Readonly<Record<string, string>>, ec2Tags: readonly Tag[]): Tag[] {
  const merged = new Map<string, string>();
  for (const tag of ec2Tags) merged.set(tag.key!, tag.value ?? '');
  for (const [key, value] of Object.entries(configured)) merged.set(key, value);
  return [...merged].map(([key, value]) => ({ key, value }));
}

export interface TagSources {
  readonly propagateTagsFrom: PropagateTagsFrom;
  readonly configured: Readonly<Record<string, string>>;
  /** IMDS instance-id. */
  instanceId(): Promise<string>;
  /** Created only when the EC2 tags are wanted. */
  ec2(): Ec2TagsApi;
}

/** Why the EC2 tags could not be read; upstream ends startup for good (exit 5) rather than hammer the API. */
export class InstanceTagsError extends Error {
  override readonly name = 'InstanceTagsError';
}

/** The tags RegisterContainerInstance carries. */
export async function containerInstanceTags(sources: TagSources): Promise<Tag[]> {
  if (sources.propagateTagsFrom !== 'ec2_instance') return mergeInstanceTags(sources.configured, []);
  let instanceId: string;
  try {
    instanceId = await sources.instanceId();
  } catch (error) {
    throw new InstanceTagsError(`ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance: cannot read the instance ID from instance metadata: ${(error as Error).message}`);
  }
  let ec2Tags: Tag[];
  try {
    ec2Tags = await describeInstanceTags(sources.ec2(), instanceId);
  } catch (error) {
    const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
    throw new InstanceTagsError(`ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance: EC2 DescribeTags for ${instanceId} failed: ${name}${(error as Error).message}`);
  }
  return mergeInstanceTags(sources.configured, ec2Tags);
}
