import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand, EC2Client, type DescribeTagsCommandInput } from '@aws-sdk/client-ec2';
import { DEFAULT_CREDENTIALS, LocalControlPlane } from '../index';

// The EC2 Query API through the real SDK client, and instance metadata over plain HTTP as IMDSv2
// clients speak it, against a started control plane.

let dataDir: string;
let controlPlane: LocalControlPlane;
let endpoint: string;
let ec2: EC2Client;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ecs-cp-ec2-'));
  controlPlane = new LocalControlPlane({ dataDir, port: 0, ec2Instance: { instanceId: 'i-0123456789abcdef0' } });
  ({ endpoint } = await controlPlane.start());
  ec2 = new EC2Client({ region: 'us-east-1', endpoint, credentials: DEFAULT_CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  ec2.destroy();
  await controlPlane.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const instanceFilter = (id: string): DescribeTagsCommandInput => ({ Filters: [{ Name: 'resource-id', Values: [id] }] });

describe('the EC2 Query API', () => {
  it('creates, describes (filtered, paginated) and deletes tags', async () => {
    await ec2.send(new CreateTagsCommand({ Resources: ['i-0123456789abcdef0'], Tags: [{ Key: 'team', Value: 'infra & ops' }, { Key: 'Name', Value: '<web>' }] }));
    await ec2.send(new CreateTagsCommand({ Resources: ['i-0ffffffffffffffff'], Tags: [{ Key: 'team', Value: 'other' }] }));
    controlPlane.ec2.setTags('i-0123456789abcdef0', { 'aws:autoscaling:groupName': 'asg', a1: '1', a2: '2', a3: '3', a4: '4' });

    const all = await ec2.send(new DescribeTagsCommand(instanceFilter('i-0123456789abcdef0')));
    expect(all.Tags!.map((t) => [t.ResourceId, t.ResourceType, t.Key, t.Value])).toEqual([
      ['i-0123456789abcdef0', 'instance', 'Name', '<web>'],
      ['i-0123456789abcdef0', 'instance', 'a1', '1'],
      ['i-0123456789abcdef0', 'instance', 'a2', '2'],
      ['i-0123456789abcdef0', 'instance', 'a3', '3'],
      ['i-0123456789abcdef0', 'instance', 'a4', '4'],
      ['i-0123456789abcdef0', 'instance', 'aws:autoscaling:groupName', 'asg'],
      ['i-0123456789abcdef0', 'instance', 'team', 'infra & ops'],
    ]);
    expect(all.NextToken).toBeUndefined();

    const first = await ec2.send(new DescribeTagsCommand({ ...instanceFilter('i-0123456789abcdef0'), MaxResults: 5 }));
    expect(first.Tags).toHaveLength(5);
    const second = await ec2.send(new DescribeTagsCommand({ ...instanceFilter('i-0123456789abcdef0'), MaxResults: 5, NextToken: first.NextToken }));
    expect(second.Tags!.map((t) => t.Key)).toEqual(['aws:autoscaling:groupName', 'team']);
    expect(second.NextToken).toBeUndefined();

    const byKey = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['tea*'] }, { Name: 'resource-type', Values: ['instance'] }] }));
    expect(byKey.Tags!.map((t) => `${t.ResourceId}=${t.Value}`)).toEqual(['i-0123456789abcdef0=infra & ops', 'i-0ffffffffffffffff=other']);

    await ec2.send(new DeleteTagsCommand({ Resources: ['i-0ffffffffffffffff'], Tags: [{ Key: 'team' }] }));
    const after = await ec2.send(new DescribeTagsCommand(instanceFilter('i-0ffffffffffffffff')));
    expect(after.Tags).toEqual([]);
  });

  it('answers bad parameters with EC2 error codes the SDK decodes', async () => {
    await expect(ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] }))).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining("The filter 'colour' is invalid") });
    await expect(ec2.send(new DescribeTagsCommand({ MaxResults: 2 }))).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('between 5 and 1000') });
    await expect(ec2.send(new CreateTagsCommand({ Resources: ['bogus'], Tags: [{ Key: 'k', Value: 'v' }] }))).rejects.toMatchObject({ name: 'InvalidID' });
  });

  it('refuses requests signed with another key', async () => {
    const stranger = new EC2Client({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'nope' }, maxAttempts: 1 });
    await expect(stranger.send(new DescribeTagsCommand({}))).rejects.toMatchObject({ name: 'AuthFailure', $metadata: { httpStatusCode: 401 } });
    stranger.destroy();
  });
});

describe('instance metadata', () => {
  async function token(ttl = '60'): Promise<Response> {
    return fetch(`${endpoint}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': ttl } });
  }

  it('issues session tokens and answers the instance identity with them', async () => {
    const issued = await token();
    expect(issued.status).toBe(200);
    const headers = { 'x-aws-ec2-metadata-token': await issued.text() };
    const get = async (p: string) => {
      const answer = await fetch(`${endpoint}${p}`, { headers });
      return [answer.status, await answer.text()] as const;
    };
    expect(await get('/latest/meta-data/instance-id')).toEqual([200, 'i-0123456789abcdef0']);
    expect(await get('/latest/meta-data/placement/region')).toEqual([200, 'us-east-1']);
    expect(await get('/latest/meta-data/placement/availability-zone')).toEqual([200, 'us-east-1a']);
    const [status, document] = await get('/latest/dynamic/instance-identity/document');
    expect(status).toBe(200);
    expect(JSON.parse(document)).toMatchObject({ instanceId: 'i-0123456789abcdef0', region: 'us-east-1', accountId: '000000000000', availabilityZone: 'us-east-1a' });
    const [signatureStatus, signature] = await get('/latest/dynamic/instance-identity/signature');
    expect(signatureStatus).toBe(200);
    expect(Buffer.from(signature, 'base64')).toHaveLength(256);
    expect((await get('/latest/meta-data/no-such-thing'))[0]).toBe(404);
  });

  it('refuses unknown tokens and malformed token requests', async () => {
    expect((await fetch(`${endpoint}/latest/meta-data/instance-id`, { headers: { 'x-aws-ec2-metadata-token': 'forged' } })).status).toBe(401);
    expect((await token('0')).status).toBe(400);
    expect((await token('21601')).status).toBe(400);
    expect((await fetch(`${endpoint}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60', 'x-forwarded-for': '10.0.0.1' } })).status).toBe(403);
  });

  it('answers spot/instance-action with 404 until a notice is scheduled, then with the notice', async () => {
    const spot = () => fetch(`${endpoint}//latest/meta-data/spot/instance-action`);
    expect((await spot()).status).toBe(404);
    controlPlane.ec2.scheduleSpotInterruption('stop', new Date('2030-01-02T03:04:05.678Z'));
    const answer = await spot();
    expect(answer.status).toBe(200);
    expect(JSON.parse(await answer.text())).toEqual({ action: 'stop', time: '2030-01-02T03:04:05Z' });
    controlPlane.ec2.cancelSpotInterruption();
    expect((await spot()).status).toBe(404);
  });
});
