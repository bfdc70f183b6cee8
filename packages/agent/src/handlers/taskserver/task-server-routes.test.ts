import { testContainer, testTask } from '../../api/test-support';
import type { Container, Task } from '../../api';
import { TaskCredentialsStore } from '../../credentials';
import type { DockerStatsJson } from '../../stats';
import { recordingLogger } from '../../../test/fakes/recording-logger';
import { answerTaskRequest, cleanPath, type ResourceTags, type TaskServerSources } from './task-server-routes';
import { taskStateFromTasks } from './task-state-reader';
import { goTime } from './go-time';

const TASK_ARN = 'arn:aws:ecs:us-west-2:123456789012:task/default/6f7a1d3e';
const OTHER_ARN = 'arn:aws:ecs:us-west-2:123456789012:task/default/0b2c4e6f';
const INSTANCE_ARN = 'arn:aws:ecs:us-west-2:123456789012:container-instance/default/abc';
const WEB_ID = 'a'.repeat(64);
const SIDECAR_ID = 'b'.repeat(64);
const OTHER_ID = 'c'.repeat(64);

function container(name: string, fields: Partial<Container> = {}): Container {
  return testContainer(name, { image: 'busybox:latest', memory: 0, ...fields });
}

function task(arn: string, containers: Container[], fields: Partial<Task> = {}): Task {
  return testTask(containers, { arn, family: 'web', version: '3', knownStatus: 'RUNNING', sentStatus: 'RUNNING', ...fields });
}

function runningWeb(fields: Partial<Container> = {}): Container {
  return container('web', {
    cpu: 256,
    memory: 128,
    dockerName: 'ecs-web-3-web-e4b2c2a8f0c9d2a1f801',
    runtimeId: WEB_ID,
    imageId: 'sha256:' + 'd'.repeat(64),
    knownStatus: 'RUNNING',
    sentStatus: 'RUNNING',
    knownPortBindings: [{ containerPort: 80, hostPort: 32768, bindIp: '0.0.0.0', protocol: 'tcp' }],
    labels: { 'com.amazonaws.ecs.task-arn': TASK_ARN },
    createdAt: '2021-02-19T18:00:01.123456789Z',
    startedAt: '2021-02-19T18:00:02.5Z',
    networks: [{ networkMode: 'bridge', ipv4Addresses: ['172.17.0.2'] }],
    mounts: [{ name: 'data', source: '/var/lib/docker/volumes/data/_data', destination: '/data' }],
    healthCheckType: 'docker',
    health: { status: 'HEALTHY', since: '2021-02-19T18:00:12Z', output: 'ok' },
    containerArn: 'arn:aws:ecs:us-west-2:123456789012:container/default/6f7a1d3e/1',
    dockerConfig: { hostConfig: '{"logConfig":{"type":"json-file","config":{"max-size":"10m"}}}' },
    ...fields,
  });
}

interface Fixture {
  tasks: Task[];
  stats: Map<string, DockerStatsJson>;
  rates: Map<string, { rx_bytes_per_sec: number; tx_bytes_per_sec: number }>;
  credentials: TaskCredentialsStore;
  tags: ResourceTags;
  sources: TaskServerSources;
}

function fixture(): Fixture {
  const tasks: Task[] = [
    task(
      TASK_ARN,
      [
        runningWeb(),
        container('sidecar', { dockerName: 'ecs-web-3-sidecar-aa', runtimeId: SIDECAR_ID, knownStatus: 'STOPPED', knownExitCode: 0, finishedAt: '2021-02-19T18:05:00Z' }),
        container('pulled', { knownStatus: 'PULLED' }),
        container('waiting'),
      ],
      { cpu: 0.5, memory: 512, pullStartedAt: '2021-02-19T17:59:58.000Z', pullStoppedAt: '2021-02-19T18:00:00.250Z', launchType: 'EC2' },
    ),
    task(OTHER_ARN, [container('other', { dockerName: 'ecs-other-1-other-ff', runtimeId: OTHER_ID, knownStatus: 'RUNNING', networks: [{ networkMode: 'bridge', ipv4Addresses: ['172.17.0.9'] }] })]),
  ];
  const stats = new Map<string, DockerStatsJson>();
  const rates = new Map<string, { rx_bytes_per_sec: number; tx_bytes_per_sec: number }>();
  const credentials = new TaskCredentialsStore();
  credentials.put(TASK_ARN, 'TaskApplication', {
    credentialsId: 'creds-web',
    roleArn: 'arn:aws:iam::123456789012:role/web',
    accessKeyId: 'AKIDWEB',
    secretAccessKey: 'SECRETWEB',
    sessionToken: 'TOKENWEB',
    expiration: '2016-03-25T06:17:19.318+0000',
  });
  credentials.put(OTHER_ARN, 'TaskApplication', { credentialsId: 'creds-other', accessKeyId: 'AKIDOTHER', secretAccessKey: 'S', sessionToken: 'T', expiration: 'x' });
  const tags: ResourceTags = { tagsOf: async (arn): Promise<Record<string, string>> => (arn === TASK_ARN ? { team: 'web' } : { rack: '7' }) };
  const f: Fixture = {
    tasks,
    stats,
    rates,
    credentials,
    tags,
    sources: {
      state: taskStateFromTasks(() => tasks),
      stats: { latestDockerStats: (id) => stats.get(id), networkRateStats: (id) => rates.get(id) },
      credentials,
      tags: { tagsOf: (arn) => f.tags.tagsOf(arn) },
      cluster: () => 'default',
      containerInstanceArn: () => INSTANCE_ARN,
      availabilityZone: () => 'us-west-2a',
      logger: recordingLogger(),
    },
  };
  return f;
}

async function get(f: Fixture, url: string, remoteIp = '172.17.0.2') {
  const answer = await answerTaskRequest({ url, remoteIp }, f.sources);
  return { ...answer, json: answer.contentType === 'application/json' ? (JSON.parse(answer.body) as unknown) : undefined };
}

describe('credentials', () => {
  it('serves the task role credentials on v1 and v2 with upstream field names', async () => {
    const f = fixture();
    const expected = {
      RoleArn: 'arn:aws:iam::123456789012:role/web',
      AccessKeyId: 'AKIDWEB',
      SecretAccessKey: 'SECRETWEB',
      Token: 'TOKENWEB',
      Expiration: '2016-03-25T06:17:19.318+0000',
    };
    const v2 = await get(f, '/v2/credentials/creds-web');
    expect(v2.status).toBe(200);
    expect(v2.json).toEqual(expected);
    expect(v2.audit).toEqual({ taskArn: TASK_ARN, eventType: 'GetCredentials' });
    const v1 = await get(f, '/v1/credentials?id=creds-web');
    expect(v1.status).toBe(200);
    expect(v1.json).toEqual(expected);
  });

  it('names the execution role in the audit event', async () => {
    const f = fixture();
    f.credentials.put(TASK_ARN, 'TaskExecution', { credentialsId: 'exec', accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' });
    expect((await get(f, '/v2/credentials/exec')).audit).toEqual({ taskArn: TASK_ARN, eventType: 'GetCredentialsExecutionRole' });
  });

  it('answers a missing ID with NoIdInRequest (400)', async () => {
    const f = fixture();
    const v1 = await get(f, '/v1/credentials');
    expect(v1.status).toBe(400);
    expect(v1.json).toEqual({ code: 'NoIdInRequest', message: 'CredentialsV1Request: No ID in the request', HTTPErrorCode: 400 });
    const v2 = await get(f, '/v2/credentials/');
    expect(v2.status).toBe(400);
    expect(v2.json).toEqual({ code: 'NoIdInRequest', message: 'CredentialsV2Request: No ID in the request', HTTPErrorCode: 400 });
    expect(v2.audit).toEqual({ taskArn: undefined, eventType: '' });
  });

  it('answers an unknown ID with InvalidIdInRequest (400) and no credentials', async () => {
    const f = fixture();
    const answer = await get(f, '/v2/credentials/not-a-real-id');
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ code: 'InvalidIdInRequest', message: 'CredentialsV2Request: ID not found', HTTPErrorCode: 400 });
    expect(answer.body).not.toContain('AKID');
  });

  it("refuses a stopped task's credentials as unknown", async () => {
    const f = fixture();
    f.tasks[1]!.knownStatus = 'STOPPED';
    const answer = await get(f, '/v2/credentials/creds-other');
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ code: 'InvalidIdInRequest', message: 'CredentialsV2Request: ID not found', HTTPErrorCode: 400 });
    expect((await get(f, '/v2/credentials/creds-web')).status).toBe(200);
  });

  it("refuses a task container another task's credentials, even with the right ID", async () => {
    const f = fixture();
    // 172.17.0.9 is the other task's container; 127.0.0.1 (host network, the host) maps to no task.
    expect((await get(f, '/v2/credentials/creds-web', '172.17.0.9')).json).toEqual({ code: 'InvalidIdInRequest', message: 'CredentialsV2Request: ID not found', HTTPErrorCode: 400 });
    expect((await get(f, '/v2/credentials/creds-other', '172.17.0.9')).status).toBe(200);
    expect((await get(f, '/v2/credentials/creds-web', '127.0.0.1')).status).toBe(200);
  });

  it('answers a known ID without credentials in it with CredentialsUninitialized (503)', async () => {
    const f = fixture();
    f.credentials.put(TASK_ARN, 'TaskExecution', { credentialsId: 'empty' });
    const answer = await get(f, '/v1/credentials?id=empty');
    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ code: 'CredentialsUninitialized', message: 'CredentialsV1Request: Credentials uninitialized for ID', HTTPErrorCode: 503 });
  });
});

describe('routing (upstream TestTaskHTTPEndpointErrorCode*)', () => {
  it.each(['/', '/v2/meta', '/v2/statss', '/v3', '/v3/web-endpoint/', '/v3/web-endpoint/wrong-path', '/v3/web-endpoint/task/', '/v3/web-endpoint/task/stats/', '/v3/web-endpoint/task/stats/wrong-path', '/v3/web-endpoint/associtions-with-typo/elastic-inference/dev1', '/v4/web-endpoint/', '/v4/web-endpoint/wrong-path', '/v4/web-endpoint/task/', '/v4/web-endpoint/task/stats/', '/v4/web-endpoint/task/stats/wrong-path', '/v2/credentials'])(
    '%s is 404',
    async (path) => {
      const answer = await get(fixture(), path);
      expect(answer.status).toBe(404);
      expect(answer.body).toBe('404 page not found\n');
    },
  );

  it.each([
    '/v2/metadata',
    '/v2/metadata/',
    '/v2/metadata/wrong-container-id',
    '/v2/metadata/container-id/other-path',
    '/v2/stats',
    '/v2/stats/',
    '/v2/stats/wrong-container-id',
    '/v2/stats/container-id/other-path',
    '/v3/wrong-v3-endpoint-id/stats',
    '/v3/wrong-v3-endpoint-id/task/stats',
    '/v3/task/stats',
    '/v4/wrong-v3-endpoint-id/stats',
    '/v4/wrong-v3-endpoint-id/task/stats',
    '/v3/wrong-v3-endpoint-id/associations/elastic-inference',
    '/v3/wrong-v3-endpoint-id/associations/elastic-inference/dev1',
  ])('%s is 400 for a caller and IDs the agent does not know', async (path) => {
    expect((await get(fixture(), path, '10.0.0.1')).status).toBe(400);
  });

  it.each(['/v3/wrong-v3-endpoint-id', '/v3/', '/v3/stats', '/v3/wrong-v3-endpoint-id/task', '/v3/task', '/v4/wrong-v3-endpoint-id', '/v4/', '/v4/stats', '/v4/wrong-v3-endpoint-id/task', '/v4/task'])(
    '%s is 500 (an unknown endpoint ID on a metadata route)',
    async (path) => {
      expect((await get(fixture(), path)).status).toBe(500);
    },
  );

  it('writes the errors as JSON strings naming the handler and the ID', async () => {
    const f = fixture();
    expect((await get(f, '/v4/nope/task')).json).toBe('V4 task metadata handler: unable to get task arn from request: unable to get task Arn from v3 endpoint ID: nope');
    expect((await get(f, '/v3/nope')).json).toBe('V3 container metadata handler: unable to get container ID from request: unable to get docker ID from v3 endpoint ID: nope');
    expect((await get(f, '/v4/nope/stats')).json).toBe('V4 container handler: unable to get task arn from request: unable to get task Arn from v3 endpoint ID: nope');
    expect((await get(f, '/v2/metadata', '10.0.0.1')).json).toBe("Unable to get task arn from request: unable to associate '10.0.0.1' with task");
  });

  it('redirects unclean paths with 301 to their clean form, as gorilla/mux', async () => {
    const f = fixture();
    const redirect = await get(f, '/v3///task/');
    expect(redirect.status).toBe(301);
    expect(redirect.location).toBe('/v3/task/');
    expect((await get(f, '//v2/credentials/test')).location).toBe('/v2/credentials/test');
    expect((await get(f, '/v1/./credentials?id=x')).location).toBe('/v1/credentials?id=x');
    expect(cleanPath('/v2/../v3/a')).toBe('/v3/a');
  });
});

describe('metadata v3 and v4', () => {
  it('v3 container metadata has the reference shape', async () => {
    const answer = await get(fixture(), '/v3/web-endpoint');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      DockerId: WEB_ID,
      Name: 'web',
      DockerName: 'ecs-web-3-web-e4b2c2a8f0c9d2a1f801',
      Image: 'busybox:latest',
      ImageID: 'sha256:' + 'd'.repeat(64),
      Ports: [{ ContainerPort: 80, Protocol: 'tcp', HostPort: 32768 }],
      Labels: { 'com.amazonaws.ecs.task-arn': TASK_ARN },
      DesiredStatus: 'RUNNING',
      KnownStatus: 'RUNNING',
      Limits: { CPU: 256, Memory: 128 },
      CreatedAt: '2021-02-19T18:00:01.123456789Z',
      StartedAt: '2021-02-19T18:00:02.5Z',
      Type: 'NORMAL',
      Networks: [{ NetworkMode: 'bridge', IPv4Addresses: ['172.17.0.2'] }],
      Health: { status: 'HEALTHY', statusSince: '2021-02-19T18:00:12Z', output: 'ok' },
      Volumes: [{ DockerName: 'data', Source: '/var/lib/docker/volumes/data/_data', Destination: '/data' }],
    });
  });

  it('v4 container metadata adds LogDriver, LogOptions and ContainerARN', async () => {
    const answer = await get(fixture(), '/v4/web-endpoint');
    expect(answer.json).toMatchObject({
      DockerId: WEB_ID,
      LogDriver: 'json-file',
      LogOptions: { 'max-size': '10m' },
      ContainerARN: 'arn:aws:ecs:us-west-2:123456789012:container/default/6f7a1d3e/1',
    });
  });

  it("shows a container's FractalID in v3 and v4 metadata when it has one", async () => {
    const fractalId = '0123456789abcdef'.repeat(4).slice(0, 60);
    const withId = fixture();
    const web = withId.tasks[0]!.containers[0]!;
    web.fractal = { id: fractalId, dirs: [], devices: [], provider: 'none' };
    for (const path of ['/v3/web-endpoint', '/v4/web-endpoint']) expect((await get(withId, path)).json).toMatchObject({ FractalID: fractalId });
    expect((await get(fixture(), '/v4/web-endpoint')).json).not.toHaveProperty('FractalID');
  });

  it('v3 task metadata lists created containers; v4 also pulled ones and the launch type', async () => {
    const f = fixture();
    const v3 = (await get(f, '/v3/web-endpoint/task')).json as Record<string, unknown>;
    expect(v3).toMatchObject({
      Cluster: 'default',
      TaskARN: TASK_ARN,
      Family: 'web',
      Revision: '3',
      DesiredStatus: 'RUNNING',
      KnownStatus: 'RUNNING',
      Limits: { CPU: 0.5, Memory: 512 },
      PullStartedAt: '2021-02-19T17:59:58Z',
      PullStoppedAt: '2021-02-19T18:00:00.25Z',
      AvailabilityZone: 'us-west-2a',
    });
    expect(v3).not.toHaveProperty('LaunchType');
    expect((v3.Containers as { Name: string }[]).map((c) => c.Name)).toEqual(['web', 'sidecar']);
    const sidecar = (v3.Containers as Record<string, unknown>[])[1];
    // A stopped container: exit code 0 is written (Go *int), CPU 0 is reported as 2 units, Memory 0 stays.
    expect(sidecar).toMatchObject({ KnownStatus: 'STOPPED', ExitCode: 0, Limits: { CPU: 2, Memory: 0 }, FinishedAt: '2021-02-19T18:05:00Z' });
    expect(sidecar).not.toHaveProperty('Health');
    const v4 = (await get(f, '/v4/waiting-endpoint/task')).json as Record<string, unknown>;
    expect(v4.LaunchType).toBe('EC2');
    expect((v4.Containers as { Name: string; DockerId: string }[]).map((c) => [c.Name, c.DockerId])).toEqual([
      ['web', WEB_ID],
      ['sidecar', SIDECAR_ID],
      ['pulled', ''],
    ]);
  });

  it('v4 taskWithTags adds both tag sets, and reports a failed lookup in Errors', async () => {
    const f = fixture();
    expect((await get(f, '/v4/web-endpoint/taskWithTags')).json).toMatchObject({ TaskTags: { team: 'web' }, ContainerInstanceTags: { rack: '7' } });
    f.tags = {
      tagsOf: async (arn) => {
        if (arn === TASK_ARN) return { team: 'web' };
        throw Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400, requestId: 'req-1' } });
      },
    };
    const v4 = (await get(f, '/v4/web-endpoint/taskWithTags')).json as Record<string, unknown>;
    expect(v4.TaskTags).toEqual({ team: 'web' });
    expect(v4).not.toHaveProperty('ContainerInstanceTags');
    expect(v4.Errors).toEqual([
      { ErrorField: 'ContainerInstanceTags', ErrorCode: 'AccessDeniedException', ErrorMessage: 'User is not authorized', StatusCode: 400, RequestId: 'req-1', ResourceARN: INSTANCE_ARN },
    ]);
    expect((await get(f, '/v3/web-endpoint/taskWithTags')).json).not.toHaveProperty('Errors');
  });

  it('a container not created yet has no container metadata, but its task does', async () => {
    const f = fixture();
    expect((await get(f, '/v4/waiting-endpoint')).status).toBe(500);
    expect((await get(f, '/v4/waiting-endpoint/task')).status).toBe(200);
  });

  it('leaves the availability zone out when none is given (ECS_DISABLE_TASK_METADATA_AZ)', async () => {
    const f = fixture();
    f.sources = { ...f.sources, availabilityZone: () => undefined };
    expect((await get(f, '/v4/web-endpoint/task')).json).not.toHaveProperty('AvailabilityZone');
  });

  it('associations: none of any type; a named one is unknown', async () => {
    const f = fixture();
    const list = await get(f, '/v4/web-endpoint/associations/elastic-inference');
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ Associations: null });
    expect((await get(f, '/v4/web-endpoint/associations/elastic-inference/dev1')).status).toBe(400);
    expect((await get(f, '/v4/web-endpoint/associations/elastic-inference/')).json).toBe('V4 container associations handler: unable to get association name from request');
  });
});

describe('stats', () => {
  const sample = { read: '2021-02-19T18:00:03Z', cpu_stats: { cpu_usage: { total_usage: 5 } }, memory_stats: { usage: 1024 } } as unknown as DockerStatsJson;

  it('v3 serves the last Docker sample, null before the first', async () => {
    const f = fixture();
    expect((await get(f, '/v3/web-endpoint/stats')).json).toBeNull();
    f.stats.set(WEB_ID, sample);
    expect((await get(f, '/v3/web-endpoint/stats')).json).toEqual(sample);
    expect((await get(f, '/v3/web-endpoint/task/stats')).json).toEqual({ [WEB_ID]: sample, [SIDECAR_ID]: null });
  });

  it('v4 adds network_rate_stats and writes {} before the first sample', async () => {
    const f = fixture();
    f.stats.set(WEB_ID, sample);
    f.rates.set(WEB_ID, { rx_bytes_per_sec: 10.5, tx_bytes_per_sec: 2 });
    expect((await get(f, '/v4/web-endpoint/stats')).json).toEqual({ ...sample, network_rate_stats: { rx_bytes_per_sec: 10.5, tx_bytes_per_sec: 2 } });
    expect((await get(f, '/v4/web-endpoint/task/stats')).json).toEqual({ [WEB_ID]: { ...sample, network_rate_stats: { rx_bytes_per_sec: 10.5, tx_bytes_per_sec: 2 } }, [SIDECAR_ID]: {} });
  });
});

describe('metadata v2 (task found by the caller address)', () => {
  it("serves the caller's task and its containers, without Docker networks", async () => {
    const f = fixture();
    const answer = await get(f, '/v2/metadata', '172.17.0.2');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ TaskARN: TASK_ARN, Cluster: 'default' });
    expect((answer.json as { Containers: object[] }).Containers[0]).not.toHaveProperty('Networks');
    expect((await get(f, `/v2/metadata/${WEB_ID}`, '172.17.0.2')).json).toMatchObject({ DockerId: WEB_ID, Name: 'web' });
  });

  it("refuses another task's container", async () => {
    const f = fixture();
    const answer = await get(f, `/v2/metadata/${OTHER_ID}`, '172.17.0.2');
    expect(answer.status).toBe(400);
    expect(answer.json).toBe(`Unable to generate metadata for container '${OTHER_ID}'`);
    expect((await get(f, `/v2/stats/${OTHER_ID}`, '172.17.0.2')).status).toBe(400);
  });

  it('serves task stats by Docker ID', async () => {
    const f = fixture();
    expect((await get(f, '/v2/stats', '172.17.0.9')).json).toEqual({ [OTHER_ID]: null });
  });
});

describe('goTime', () => {
  it('writes UTC RFC 3339 with trailing fraction zeros dropped, and nothing for Go zero time', () => {
    expect(goTime('2021-02-19T18:00:01.120000000Z')).toBe('2021-02-19T18:00:01.12Z');
    expect(goTime('2021-02-19T18:00:01.000Z')).toBe('2021-02-19T18:00:01Z');
    expect(goTime('2021-02-19T20:00:01.5+02:00')).toBe('2021-02-19T18:00:01.5Z');
    expect(goTime('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(goTime('yesterday')).toBeUndefined();
  });
});
