import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  DiscoverPollEndpointCommand,
  ECSClient,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  SubmitTaskStateChangeCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { HttpRequest } from '@smithy/protocol-http';
import { DEFAULT_CREDENTIALS, LocalControlPlane, type LocalControlPlaneOptions } from './index';
import { close, connectSigned, refusedHandshake, signedHeaders, signedTcsFrame, signer, type FrameCollector } from './test-support/signed-clients';

const TASK_ROLE = { accessKeyId: 'ASIATASKROLE', secretAccessKey: 'task-secret', sessionToken: 'task-token' };

const SIMPLE_EXIT: RegisterTaskDefinitionCommandInput = {
  family: 'ecsinteg-simple-exit',
  taskRoleArn: 'arn:aws:iam::000000000000:role/app',
  containerDefinitions: [
    {
      image: '127.0.0.1:51670/busybox:latest',
      name: 'exit',
      cpu: 10,
      memory: 64,
      essential: true,
      command: ['sh', '-c', 'exit 42'],
      portMappings: [{ containerPort: 80, hostPort: 8080 }],
    },
  ],
};

const RESOURCES = [
  { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
  { name: 'MEMORY', type: 'INTEGER', integerValue: 1024 },
  { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2375', '2376', '51678', '51679'] },
  { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
];

let dataDir: string;
let controlPlane: LocalControlPlane;
let endpoint: string;
let ecs: ECSClient;
const sockets: FrameCollector[] = [];

async function startControlPlane(extra: Partial<LocalControlPlaneOptions> = {}): Promise<void> {
  controlPlane = new LocalControlPlane({
    dataDir,
    port: 0,
    heartbeatIntervalMs: 40,
    redeliveryTimeoutMs: 300,
    manifestIntervalMs: 60_000,
    taskRoleCredentials: TASK_ROLE,
    ...extra,
  });
  ({ endpoint } = await controlPlane.start());
  ecs = new ECSClient({ endpoint, region: 'us-east-1', credentials: DEFAULT_CREDENTIALS, maxAttempts: 1 });
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'control-plane-'));
  await startControlPlane();
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map(close));
  ecs.destroy();
  await controlPlane.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The agent's start-up: register (creating the default cluster on ClusterNotFound), discover. */
async function registerInstance(): Promise<string> {
  const register = () =>
    ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'default',
        totalResources: RESOURCES,
        attributes: [{ name: 'ecs.os-type', value: 'linux' }, { name: 'ecs.capability.container-ordering' }],
        instanceIdentityDocument: '{"instanceId":"i-0123456789abcdef0"}',
      }),
    );
  await expect(register()).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
  await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
  const { containerInstance } = await register();
  expect(containerInstance?.ec2InstanceId).toBe('i-0123456789abcdef0');
  expect(containerInstance?.attributes).toEqual(
    expect.arrayContaining([{ name: 'ecs.os-type', value: 'linux' }, { name: 'ecs.capability.container-ordering' }, { name: 'ecs.availability-zone', value: 'us-east-1a' }]),
  );
  return containerInstance!.containerInstanceArn!;
}

async function acsUrl(instanceArn: string, sendCredentials = true): Promise<URL> {
  const { endpoint: acsEndpoint } = await ecs.send(new DiscoverPollEndpointCommand({ cluster: 'default', containerInstance: instanceArn }));
  const url = new URL(`${acsEndpoint!.replace(/\/?$/, '/')}ws`);
  const params = {
    clusterArn: 'default',
    containerInstanceArn: instanceArn,
    agentHash: '*6cd32aa0',
    agentVersion: '1.50.2',
    seqNum: '1',
    dockerVersion: 'DockerVersion: 20.10.24',
    sendCredentials: String(sendCredentials),
    protocolVersion: '2',
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url;
}

async function connectAcs(instanceArn: string, sendCredentials = true): Promise<FrameCollector> {
  const socket = await connectSigned(await acsUrl(instanceArn, sendCredentials), DEFAULT_CREDENTIALS);
  sockets.push(socket);
  // Answer heartbeats as a v1.52+ agent does.
  socket.socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === 'HeartbeatMessage') socket.send({ type: 'HeartbeatAckRequest', message: { messageId: frame.message.messageId } });
  });
  return socket;
}

async function runTask(): Promise<string> {
  await ecs.send(new RegisterTaskDefinitionCommand(SIMPLE_EXIT));
  const { tasks, failures } = await ecs.send(new RunTaskCommand({ cluster: 'default', taskDefinition: 'ecsinteg-simple-exit' }));
  expect(failures).toEqual([]);
  return tasks![0]!.taskArn!;
}

const isPayloadFor = (taskArn: string) => (frame: { type: string; message: Record<string, unknown> }) =>
  frame.type === 'PayloadMessage' && (frame.message.tasks as { arn: string }[]).some((task) => task.arn === taskArn);

describe('ECS API over HTTP', () => {
  it('runs a task on a registered instance and DescribeTasks follows the reported state', async () => {
    const instanceArn = await registerInstance();
    const taskArn = await runTask();
    const describe = async () => (await ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: [taskArn] }))).tasks![0]!;
    expect(await describe()).toMatchObject({ lastStatus: 'PENDING', desiredStatus: 'RUNNING', containerInstanceArn: instanceArn, cpu: '10', memory: '64' });

    const remaining = async () =>
      (await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'default', containerInstances: [instanceArn] }))).containerInstances![0]!
        .remainingResources!;
    expect((await remaining()).find((r) => r.name === 'CPU')?.integerValue).toBe(2038);
    expect((await remaining()).find((r) => r.name === 'PORTS')?.stringSetValue).toContain('8080');

    await ecs.send(
      new SubmitTaskStateChangeCommand({
        cluster: 'default',
        task: taskArn,
        status: 'RUNNING',
        pullStartedAt: new Date(1614556790500),
        containers: [{ containerName: 'exit', runtimeId: 'abc123', status: 'RUNNING', networkBindings: [{ bindIP: '0.0.0.0', containerPort: 80, hostPort: 8080, protocol: 'tcp' }] }],
      }),
    );
    const running = await describe();
    expect(running.lastStatus).toBe('RUNNING');
    expect(running.startedAt).toBeInstanceOf(Date);
    expect(running.pullStartedAt).toEqual(new Date(1614556790500));
    expect(running.containers![0]).toMatchObject({ lastStatus: 'RUNNING', runtimeId: 'abc123', networkBindings: [{ bindIP: '0.0.0.0', containerPort: 80, hostPort: 8080, protocol: 'tcp' }] });

    await ecs.send(
      new SubmitTaskStateChangeCommand({ cluster: 'default', task: taskArn, status: 'STOPPED', reason: 'Essential container in task exited', containers: [{ containerName: 'exit', status: 'STOPPED', exitCode: 42 }] }),
    );
    const stopped = await describe();
    expect(stopped).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedReason: 'Essential container in task exited', stopCode: 'EssentialContainerExited' });
    expect(stopped.containers![0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 42 });
    // A late RUNNING report does not move a stopped task back.
    await ecs.send(new SubmitTaskStateChangeCommand({ cluster: 'default', task: taskArn, status: 'RUNNING' }));
    expect((await describe()).lastStatus).toBe('STOPPED');
    expect((await remaining()).find((r) => r.name === 'CPU')?.integerValue).toBe(2048);
    expect((await ecs.send(new ListTasksCommand({ cluster: 'default', desiredStatus: 'STOPPED' }))).taskArns).toEqual([taskArn]);
  });

  it('reports placement failures like ECS when no instance has room', async () => {
    await registerInstance();
    await ecs.send(new RegisterTaskDefinitionCommand(SIMPLE_EXIT));
    const big = await ecs.send(
      new RunTaskCommand({ cluster: 'default', taskDefinition: 'ecsinteg-simple-exit', overrides: { containerOverrides: [{ name: 'exit', memory: 4096 }] } }),
    );
    expect(big.tasks).toEqual([]);
    expect(big.failures).toEqual([expect.objectContaining({ reason: 'RESOURCE:MEMORY' })]);
    // Host port 8080 is taken by the first task, so the second cannot be placed.
    const two = await ecs.send(new RunTaskCommand({ cluster: 'default', taskDefinition: 'ecsinteg-simple-exit', count: 2 }));
    expect(two.tasks).toHaveLength(1);
    expect(two.failures).toEqual([expect.objectContaining({ reason: 'RESOURCE:PORTS' })]);
  });

  it('refuses a wrong secret and an unknown key the way AWS does', async () => {
    const wrongSecret = new ECSClient({ endpoint, region: 'us-east-1', credentials: { ...DEFAULT_CREDENTIALS, secretAccessKey: 'not-the-secret' }, maxAttempts: 1 });
    await expect(wrongSecret.send(new CreateClusterCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 400 } });
    wrongSecret.destroy();
    const wrongKey = new ECSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIAOTHER', secretAccessKey: 'x' }, maxAttempts: 1 });
    await expect(wrongKey.send(new CreateClusterCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    wrongKey.destroy();
    const state = (await (await fetch(`${endpoint}/debug/state`)).json()) as { clusters: object };
    expect(Object.keys(state.clusters)).toEqual([]);
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const url = new URL(endpoint);
    const body = '{}';
    const request = await signer(DEFAULT_CREDENTIALS).sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.LaunchRockets' },
        body,
      }),
    );
    const response = await fetch(endpoint, { method: 'POST', headers: request.headers, body });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'UnknownOperationException', message: 'Unknown operation "AmazonEC2ContainerServiceV20141113.LaunchRockets"' });
  });

  it('names the field and value of bad input', async () => {
    await expect(
      ecs.send(new RegisterTaskDefinitionCommand({ family: 'bad', containerDefinitions: [{ name: 'web', memory: 64 }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'containerDefinitions[0].image is required, got nothing' });
    await expect(ecs.send(new RunTaskCommand({ cluster: 'nope', taskDefinition: 'x' }))).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
  });
});

describe('ACS', () => {
  it('delivers a payload after RunTask and does not redeliver it once acked', async () => {
    const instanceArn = await registerInstance();
    const acs = await connectAcs(instanceArn);
    const taskArn = await runTask();
    const payload = await acs.next(isPayloadFor(taskArn));
    const task = (payload.message.tasks as Record<string, unknown>[])[0]!;
    expect(payload.message).toMatchObject({ containerInstanceArn: instanceArn, seqNum: 1 });
    expect(task).toMatchObject({ arn: taskArn, family: 'ecsinteg-simple-exit', version: '1', desiredStatus: 'RUNNING' });
    expect(JSON.parse((task.containers as { dockerConfig: { hostConfig: string } }[])[0]!.dockerConfig.hostConfig)).toEqual({ NetworkMode: 'bridge', CapAdd: [], CapDrop: [] });

    acs.send({ type: 'AckRequest', message: { cluster: 'default', containerInstance: instanceArn, messageId: payload.message.messageId } });
    // The ack lets the credentials for the task role follow.
    const credentials = await acs.next((frame) => frame.type === 'IAMRoleCredentialsMessage', payload.index);
    expect(credentials.message).toMatchObject({ taskArn, roleType: 'TaskApplication', roleCredentials: { accessKeyId: 'ASIATASKROLE', roleArn: 'arn:aws:iam::000000000000:role/app' } });
    expect(controlPlane.pendingDeliveries(instanceArn)).toEqual([]);
    // Heartbeats every 40 ms: twenty of them span twice the 300 ms redelivery timeout.
    let seen = payload.index;
    for (let i = 0; i < 20; i++) seen = (await acs.next((frame) => frame.type === 'HeartbeatMessage', seen + 1)).index;
    expect(acs.frames.filter(isPayloadFor(taskArn))).toHaveLength(1);
    expect(controlPlane.acsActivity(instanceArn)?.heartbeatAcks).toBeGreaterThan(0);
  });

  it('sends a new task in its own payload without resending the unacked ones, and records each send', async () => {
    const instanceArn = await registerInstance();
    const acs = await connectAcs(instanceArn);
    const first = await runTask();
    await acs.next(isPayloadFor(first));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'noports', containerDefinitions: [{ name: 'a', image: 'busybox', memory: 8 }] }));
    const second = (await ecs.send(new RunTaskCommand({ cluster: 'default', taskDefinition: 'noports' }))).tasks![0]!.taskArn!;
    const payload = await acs.next(isPayloadFor(second));
    // Well inside the 300 ms redelivery timeout, the first task's payload went out once.
    expect(acs.frames.filter(isPayloadFor(first))).toHaveLength(1);
    expect((payload.message.tasks as unknown[]).length).toBe(1);
    const sends = controlPlane.acsActivity(instanceArn)!.payloadSends;
    expect(sends.map((send) => send.taskArn)).toEqual([first, second]);
    expect(sends.every((send) => Number.isInteger(send.at) && send.at > 0)).toBe(true);
  });

  it('redelivers an unacked payload after the timeout and on reconnect', async () => {
    const instanceArn = await registerInstance();
    let acs = await connectAcs(instanceArn);
    const taskArn = await runTask();
    const first = await acs.next(isPayloadFor(taskArn));
    const again = await acs.next(isPayloadFor(taskArn), first.index + 1);
    expect(again.message.messageId).toBe(first.message.messageId);
    expect(again.message.seqNum).toBe(first.message.seqNum);

    await close(acs);
    acs = await connectAcs(instanceArn, false);
    const afterReconnect = await acs.next(isPayloadFor(taskArn));
    expect(afterReconnect.message.messageId).toBe(first.message.messageId);
    expect(controlPlane.pendingDeliveries(instanceArn)).toEqual([expect.objectContaining({ taskArn, messageId: first.message.messageId })]);
  });

  it('sends desiredStatus STOPPED on StopTask and confirms stop candidates', async () => {
    const instanceArn = await registerInstance();
    const acs = await connectAcs(instanceArn);
    const taskArn = await runTask();
    const start = await acs.next(isPayloadFor(taskArn));
    acs.send({ type: 'AckRequest', message: { messageId: start.message.messageId } });
    await ecs.send(new StopTaskCommand({ cluster: 'default', task: taskArn, reason: 'test over' }));
    const stop = await acs.next(isPayloadFor(taskArn), start.index + 1);
    expect((stop.message.tasks as { desiredStatus: string }[])[0]!.desiredStatus).toBe('STOPPED');
    expect((stop.message.seqNum as number) > (start.message.seqNum as number)).toBe(true);

    acs.send({
      type: 'TaskStopVerificationMessage',
      message: { messageId: 'manifest-1', stopCandidates: [{ taskArn, desiredStatus: 'STOPPED' }, { taskArn: 'arn:unknown', desiredStatus: 'STOPPED' }] },
    });
    const verified = await acs.next((frame) => frame.type === 'TaskStopVerificationAck');
    expect(verified.message.messageId).toBe('manifest-1');
    expect((verified.message.stopTasks as { taskArn: string }[]).map((t) => t.taskArn)).toEqual([taskArn, 'arn:unknown']);
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: [taskArn] }));
    expect(tasks![0]).toMatchObject({ desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'test over' });
  });

  it('places GPUs: registered platform devices become the GPU resource, each task gets free ones as associations', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
    const gpus = ['GPU-0a', 'GPU-1b', 'GPU-2c'];
    const { containerInstance } = await ecs.send(
      new RegisterContainerInstanceCommand({ cluster: 'default', totalResources: RESOURCES, platformDevices: gpus.map((id) => ({ id, type: 'GPU' })) }),
    );
    const instanceArn = containerInstance!.containerInstanceArn!;
    expect(containerInstance!.registeredResources).toContainEqual({ name: 'GPU', type: 'STRINGSET', stringSetValue: gpus });
    const acs = await connectAcs(instanceArn);
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'cuda',
        containerDefinitions: [
          { name: 'train', image: 'busybox', memory: 8, resourceRequirements: [{ type: 'GPU', value: '2' }] },
          { name: 'log', image: 'busybox', memory: 8 },
        ],
      }),
    );
    const first = (await ecs.send(new RunTaskCommand({ cluster: 'default', taskDefinition: 'cuda' }))).tasks![0]!;
    expect(first.containers!.find((c) => c.name === 'train')!.gpuIds).toEqual(['GPU-0a', 'GPU-1b']);
    const payload = await acs.next(isPayloadFor(first.taskArn!));
    expect((payload.message.tasks as { associations: unknown }[])[0]!.associations).toEqual([
      { name: 'GPU-0a', type: 'gpu', containers: ['train'], content: { encoding: 'base64', value: '' } },
      { name: 'GPU-1b', type: 'gpu', containers: ['train'], content: { encoding: 'base64', value: '' } },
    ]);

    // One GPU is left: a task asking for two is refused, one asking for one (by override) gets it.
    expect((await ecs.send(new RunTaskCommand({ cluster: 'default', taskDefinition: 'cuda' }))).failures).toEqual([{ arn: instanceArn, reason: 'RESOURCE:GPU' }]);
    const one = { containerOverrides: [{ name: 'train', resourceRequirements: [{ type: 'GPU' as const, value: '1' }] }] };
    const second = (await ecs.send(new RunTaskCommand({ cluster: 'default', taskDefinition: 'cuda', overrides: one }))).tasks![0]!;
    expect(second.containers!.find((c) => c.name === 'train')!.gpuIds).toEqual(['GPU-2c']);
    const remainingGpus = async () =>
      (await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'default', containerInstances: [instanceArn] }))).containerInstances![0]!
        .remainingResources!.find((r) => r.name === 'GPU')!.stringSetValue;
    expect(await remainingGpus()).toEqual([]);

    // A stopped task gives its GPUs back.
    await ecs.send(new SubmitTaskStateChangeCommand({ cluster: 'default', task: first.taskArn!, status: 'STOPPED', reason: 'done' }));
    expect(await remainingGpus()).toEqual(['GPU-0a', 'GPU-1b']);
    await expect(
      ecs.send(new RunTaskCommand({ cluster: 'default', taskDefinition: 'cuda', overrides: { containerOverrides: [{ name: 'train', resourceRequirements: [{ type: 'GPU', value: 'two' }] }] } })),
    ).rejects.toMatchObject({ message: 'overrides.containerOverrides[0].resourceRequirements[0].value must be a whole number of GPUs, got "two"' });
  });

  it('refuses unsigned and wrongly signed upgrades with the ACS error body', async () => {
    const instanceArn = await registerInstance();
    const url = await acsUrl(instanceArn);
    const unsigned = await refusedHandshake(url, {});
    expect(unsigned.status).toBe(403);
    expect(JSON.parse(unsigned.body)).toEqual({ AccessDeniedException: 'MissingAuthenticationTokenException: Missing Authentication Token' });
    const wrong = await refusedHandshake(url, await signedHeaders(url, { ...DEFAULT_CREDENTIALS, secretAccessKey: 'nope' }));
    expect(Object.keys(JSON.parse(wrong.body))).toEqual(['AccessDeniedException']);
    expect(JSON.parse(wrong.body).AccessDeniedException).toMatch(/^InvalidSignatureException/);
    const otherInstance = new URL(url);
    otherInstance.searchParams.set('containerInstanceArn', 'arn:aws:ecs:us-east-1:000000000000:container-instance/default/missing');
    const missing = await refusedHandshake(otherInstance, await signedHeaders(otherInstance, DEFAULT_CREDENTIALS));
    expect(missing.status).toBe(400);
    expect(Object.keys(JSON.parse(missing.body))).toEqual(['InvalidInstanceException']);
  });
});

describe('TCS', () => {
  it('records signed metrics and health, acks them, and refuses unsigned frames', async () => {
    const instanceArn = await registerInstance();
    const { telemetryEndpoint } = await ecs.send(new DiscoverPollEndpointCommand({ cluster: 'default', containerInstance: instanceArn }));
    const url = new URL(`${telemetryEndpoint!.replace(/\/?$/, '/')}ws`);
    for (const [key, value] of Object.entries({ cluster: 'default', containerInstance: instanceArn, agentVersion: '1.50.2', agentHash: 'abc', dockerVersion: '20.10.24' })) {
      url.searchParams.set(key, value);
    }
    const tcs = await connectSigned(url, DEFAULT_CREDENTIALS);
    sockets.push(tcs);
    const metrics = {
      type: 'PublishMetricsRequest',
      message: {
        metadata: { cluster: 'default', containerInstance: instanceArn, messageId: 'm-1', idle: false, fin: true },
        taskMetrics: [{ taskArn: 't1', taskDefinitionFamily: 'f', taskDefinitionVersion: '1', containerMetrics: [{ containerName: 'web', cpuStatsSet: { min: 0.1, max: 2.5, sampleCount: 19, sum: 12.3 } }] }],
        timestamp: 1614556800.123,
      },
    };
    tcs.socket.send(await signedTcsFrame(url, DEFAULT_CREDENTIALS, metrics));
    await tcs.next((frame) => frame.type === 'AckPublishMetric');
    const health = {
      type: 'PublishHealthRequest',
      message: { metadata: { messageId: 'h-1', fin: true }, tasks: [{ taskArn: 't1', containers: [{ containerName: 'web', healthStatus: 'HEALTHY', statusSince: 1614556800 }] }] },
    };
    tcs.socket.send(await signedTcsFrame(url, DEFAULT_CREDENTIALS, health));
    await tcs.next((frame) => frame.type === 'AckPublishHealth');
    const telemetry = (await (await fetch(`${endpoint}/debug/telemetry`)).json()) as Record<
      string,
      { metrics: { metadata: { messageId: string } }[]; health: Record<string, { containers: { healthStatus: string }[] }> }
    >;
    expect(telemetry[instanceArn]!.metrics[0]!.metadata.messageId).toBe('m-1');
    expect(telemetry[instanceArn]!.health.t1!.containers[0]!.healthStatus).toBe('HEALTHY');

    tcs.socket.send(JSON.stringify(metrics));
    const refused = await tcs.next((frame) => frame.type === 'BadRequestException');
    expect(refused.message.message).toContain('blank line');
    // A frame signed for other content does not verify.
    const forged = (await signedTcsFrame(url, DEFAULT_CREDENTIALS, metrics)).replace('"m-1"', '"m-2"');
    tcs.socket.send(forged);
    await tcs.next((frame) => frame.type === 'BadRequestException' && String(frame.message.message).startsWith('InvalidSignatureException'), refused.index + 1);
    expect(controlPlane.telemetry(instanceArn)?.metrics).toHaveLength(1);
  });
});

describe('persistence', () => {
  it('keeps clusters, instances, tasks and pending deliveries across a restart', async () => {
    const instanceArn = await registerInstance();
    const taskArn = await runTask();
    await controlPlane.stop();
    ecs.destroy();
    await startControlPlane();
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: [taskArn] }));
    expect(tasks![0]).toMatchObject({ taskArn, lastStatus: 'PENDING', containerInstanceArn: instanceArn });
    const { containerInstances } = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'default', containerInstances: [instanceArn] }));
    expect(containerInstances![0]).toMatchObject({ status: 'ACTIVE', agentConnected: false });
    // The payload queued before the restart reaches the agent when it connects.
    const acs = await connectAcs(instanceArn);
    await acs.next(isPayloadFor(taskArn));
    // Task definition revisions continue from the saved ones.
    const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand(SIMPLE_EXIT));
    expect(taskDefinition?.revision).toBe(2);
  });
});
