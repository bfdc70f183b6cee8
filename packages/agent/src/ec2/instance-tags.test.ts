import type { DescribeTagsCommandInput } from '@aws-sdk/client-ec2';
import { containerInstanceTags, describeInstanceTags, InstanceTagsError, mergeInstanceTags, type Ec2TagsApi } from './instance-tags';

type Page = { Tags?: { Key?: string; Value?: string }[]; NextToken?: string };

function fakeEc2(pages: Page[] | Error) {
  const calls: DescribeTagsCommandInput[] = [];
  const api: Ec2TagsApi = {
    async describeTags(input) {
      calls.push(input);
      if (pages instanceof Error) throw pages;
      return pages.shift() ?? {};
    },
  };
  return { api, calls };
}

describe('describeInstanceTags', () => {
  it('filters on the instance, reads every page and drops aws: keys and values in any case', async () => {
    const { api, calls } = fakeEc2([
      { Tags: [{ Key: 'team', Value: 'infra' }, { Key: 'aws:autoscaling:groupName', Value: 'asg' }], NextToken: 'page-2' },
      { Tags: [{ Key: 'AWS:Other', Value: 'x' }, { Key: 'origin', Value: 'aws:cloudformation' }, { Key: 'Name', Value: 'web-1' }, { Key: 'empty' }] },
    ]);
    await expect(describeInstanceTags(api, 'i-0abc')).resolves.toEqual([
      { key: 'team', value: 'infra' },
      { key: 'Name', value: 'web-1' },
      { key: 'empty', value: '' },
    ]);
    expect(calls).toEqual([
      {
        Filters: [
          { Name: 'resource-id', Values: ['i-0abc'] },
          { Name: 'resource-type', Values: ['instance'] },
        ],
        MaxResults: 50,
      },
      expect.objectContaining({ NextToken: 'page-2' }),
    ]);
  });
});

describe('mergeInstanceTags', () => {
  it('lets ECS_CONTAINER_INSTANCE_TAGS win over EC2 tags with the same key and keeps the rest', () => {
    const merged = mergeInstanceTags({ team: 'ecs', extra: '1' }, [
      { key: 'team', value: 'infra' },
      { key: 'Name', value: 'web-1' },
    ]);
    expect(merged).toEqual([
      { key: 'team', value: 'ecs' },
      { key: 'Name', value: 'web-1' },
      { key: 'extra', value: '1' },
    ]);
  });
});

describe('containerInstanceTags', () => {
  const sources = (ec2: Ec2TagsApi, instanceId: () => Promise<string> = async () => 'i-0abc') => ({
    propagateTagsFrom: 'ec2_instance' as const,
    configured: { team: 'ecs' },
    instanceId,
    ec2: () => ec2,
  });

  it('sends only the configured tags without propagation, never touching EC2 or IMDS', async () => {
    const { api, calls } = fakeEc2([]);
    let metadataCalls = 0;
    const instanceId = async () => (metadataCalls++, 'i-0abc');
    await expect(containerInstanceTags({ ...sources(api, instanceId), propagateTagsFrom: 'none' })).resolves.toEqual([{ key: 'team', value: 'ecs' }]);
    expect(calls).toEqual([]);
    expect(metadataCalls).toBe(0);
  });

  it('merges the EC2 tags of the IMDS instance ID under the configured ones', async () => {
    const { api, calls } = fakeEc2([{ Tags: [{ Key: 'team', Value: 'infra' }, { Key: 'cost', Value: '42' }] }]);
    await expect(containerInstanceTags(sources(api))).resolves.toEqual([
      { key: 'team', value: 'ecs' },
      { key: 'cost', value: '42' },
    ]);
    expect(calls[0]!.Filters![0]).toEqual({ Name: 'resource-id', Values: ['i-0abc'] });
  });

  it('names the setting and the instance when DescribeTags fails', async () => {
    const denied = Object.assign(new Error('not authorized to perform: ec2:DescribeTags'), { name: 'UnauthorizedOperation' });
    const { api } = fakeEc2(denied);
    const failure = containerInstanceTags(sources(api));
    await expect(failure).rejects.toBeInstanceOf(InstanceTagsError);
    await expect(failure).rejects.toThrow(
      'ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance: EC2 DescribeTags for i-0abc failed: UnauthorizedOperation: not authorized to perform: ec2:DescribeTags',
    );
  });

  it('fails clearly when instance metadata has no instance ID', async () => {
    const { api } = fakeEc2([]);
    await expect(containerInstanceTags(sources(api, async () => Promise.reject(new Error('connect ECONNREFUSED'))))).rejects.toThrow(
      'cannot read the instance ID from instance metadata: connect ECONNREFUSED',
    );
  });
});
