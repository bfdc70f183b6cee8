import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateClusterCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { DEFAULT_CREDENTIALS, LocalControlPlane } from '../../control-plane/src';
import { unavailableInstanceMetadata } from '../src/credentials';
import { STATE_FILE_NAME } from '../src/statemanager';
import { describeInstance, startAgent, startControlPlane, waitFor, type Harness, type RunningAgent } from './agent-harness';

// The agent in-process against a real LocalControlPlane: real HTTP (the SDK), real websockets, real
// SigV4 on both sides. Timers are shortened through the runtime, not faked.

const TASK_ROLE = { accessKeyId: 'ASIATASKROLEEXAMPLE', secretAccessKey: 'task-role-secret-value', sessionToken: 'task-role-session-token' };

let harness: Harness;
let agent: RunningAgent | undefined;

beforeEach(async () => {
  harness = await startControlPlane({ taskRoleCredentials: TASK_ROLE });
});

afterEach(async () => {
  if (agent) await agent.stop();
  agent = undefined;
  await harness.cleanup();
});

async function runTask(cluster: string, options: { taskRoleArn?: string } = {}): Promise<string> {
  const definition = await harness.api.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      ...(options.taskRoleArn ? { taskRoleArn: options.taskRoleArn } : {}),
      containerDefinitions: [{ name: 'web', image: 'busybox', memory: 64, essential: true, command: ['sleep', '600'] }],
    }),
  );
  const run = await harness.api.send(new RunTaskCommand({ cluster, taskDefinition: definition.taskDefinition!.taskDefinitionArn! }));
  expect(run.failures).toEqual([]);
  return run.tasks![0]!.taskArn!;
}

const activity = (arn: string) => harness.controlPlane.acsActivity(arn);

describe('the agent against the local control plane', () => {
  it('registers with its resources, attributes and tags, creating the default cluster, and saves the instance', async () => {
    agent = startAgent(harness, {
      ECS_RESERVED_MEMORY: '256',
      ECS_RESERVED_PORTS_UDP: '[53]',
      ECS_INSTANCE_ATTRIBUTES: '{"stack":"prod"}',
      ECS_CONTAINER_INSTANCE_TAGS: '{"team":"infra"}',
    });
    const instance = await describeInstance(harness, 'default');
    const resource = (name: string) => instance.registeredResources!.find((r) => r.name === name);
    expect(resource('CPU')).toMatchObject({ type: 'INTEGER', integerValue: 2048 });
    expect(resource('MEMORY')).toMatchObject({ type: 'INTEGER', integerValue: 4096 - 256 });
    expect(resource('PORTS')!.stringSetValue).toEqual(['22', '2375', '2376', '51678', '51679']);
    expect(resource('PORTS_UDP')!.stringSetValue).toEqual(['53']);
    const attributes = Object.fromEntries(instance.attributes!.map((a) => [a.name, a.value ?? null]));
    expect(attributes).toMatchObject({ stack: 'prod', 'ecs.capability.full-sync': null, 'ecs.os-type': 'linux' });
    expect(instance.versionInfo).toMatchObject({ agentVersion: 'dev', dockerVersion: expect.stringContaining('20.10.5') });
    await waitFor('the agent to connect', async () => (await describeInstance(harness, 'default')).agentConnected);

    const saved = JSON.parse(readFileSync(path.join(harness.agentDir, STATE_FILE_NAME), 'utf8')) as { Data: Record<string, string> };
    expect(saved.Data).toMatchObject({ Cluster: 'default', ContainerInstanceArn: instance.containerInstanceArn });
    expect(agent.logger.text()).not.toContain(DEFAULT_CREDENTIALS.secretAccessKey);
  });

  it('delivers a RunTask payload to the engine and the control plane records the ack; heartbeats are acked', async () => {
    await harness.api.send(new CreateClusterCommand({ clusterName: 'prod' }));
    agent = startAgent(harness, { ECS_CLUSTER: 'prod' });
    const instance = await describeInstance(harness, 'prod');
    const arn = instance.containerInstanceArn!;
    await waitFor('two heartbeat acks', () => (activity(arn)?.heartbeatAcks ?? 0) >= 2);

    const taskArn = await runTask('prod');
    const recorded = await waitFor('the engine to hold the task', () => agent!.engine.get(taskArn));
    expect(recorded.desiredStatus).toBe('RUNNING');
    expect(recorded.task.containers?.map((c) => c.name)).toEqual(['web']);
    await waitFor('the payload ack', () => harness.controlPlane.pendingDeliveries(arn).length === 0 && activity(arn)!.acks.length > 0);
    const received = agent.logger.records.filter((r) => r.msg === 'Received ACS message');
    expect(received.map((r) => r.fields.type)).toContain('PayloadMessage');
    expect(received.every((r) => r.level === 'info')).toBe(true);
  });

  it('stores task role credentials from the payload and the control plane records their ack', async () => {
    agent = startAgent(harness, { ECS_CLUSTER: 'default' });
    const arn = (await describeInstance(harness, 'default')).containerInstanceArn!;
    await waitFor('the agent to connect', async () => (await describeInstance(harness, 'default')).agentConnected);
    const taskArn = await runTask('default', { taskRoleArn: 'arn:aws:iam::000000000000:role/web' });
    await waitFor('the engine to hold the task', () => agent!.engine.get(taskArn));
    await waitFor('a credentials ack', () => (activity(arn)?.credentialsAcks.length ?? 0) > 0);
    expect(agent.logger.text()).not.toContain(TASK_ROLE.secretAccessKey);
    expect(agent.logger.text()).not.toContain(TASK_ROLE.sessionToken);
  });

  it('drops a malformed frame without changing anything and keeps the session', async () => {
    agent = startAgent(harness);
    const arn = (await describeInstance(harness, 'default')).containerInstanceArn!;
    await waitFor('a heartbeat ack', () => (activity(arn)?.heartbeatAcks ?? 0) >= 1);
    const acksBefore = activity(arn)!.acks.length;
    expect(harness.controlPlane.sendRawAcsFrame(arn, '{"type":"PayloadMessage","message":{"messageId":"evil","tasks":[{"arn":42}]}}')).toBe(true);
    expect(harness.controlPlane.sendRawAcsFrame(arn, 'not even json')).toBe(true);
    await waitFor('both frames dropped', () => agent!.logger.records.filter((r) => r.msg === 'Malformed ACS message dropped').length >= 2);
    const heartbeatsAfter = activity(arn)!.heartbeatAcks;
    await waitFor('more heartbeat acks on the same session', () => activity(arn)!.heartbeatAcks >= heartbeatsAfter + 2);
    expect(agent.engine.listTasks()).toEqual([]);
    expect(activity(arn)!.acks.length).toBe(acksBefore);
    expect(agent.connector.acsConnections()).toHaveLength(1);
    expect(agent.logger.records.filter((r) => r.msg === 'Malformed ACS message dropped').map((r) => r.fields.err)).toEqual([
      'message.tasks[0].arn: expected a string, got 42',
      expect.stringContaining('frame: expected a JSON object'),
    ]);
  });

  it('reconnects with backoff after the control plane drops the connection and comes back', async () => {
    agent = startAgent(harness);
    const arn = (await describeInstance(harness, 'default')).containerInstanceArn!;
    await waitFor('a heartbeat ack', () => (activity(arn)?.heartbeatAcks ?? 0) >= 1);
    await harness.controlPlane.stop();
    const failures = () => agent!.logger.records.filter((r) => r.msg === 'ACS session failed; reconnecting after backoff');
    await waitFor('three refused reconnects', () => failures().length >= 3);
    const waits = failures().map((r) => r.fields.waitMs as number);
    // 100 ms, then ×1.5 each time, each plus up to 20 % jitter.
    expect(waits[0]).toBeGreaterThanOrEqual(100);
    expect(waits[0]).toBeLessThanOrEqual(120);
    expect(waits[1]).toBeGreaterThanOrEqual(150);
    expect(waits[2]).toBeGreaterThanOrEqual(225);

    harness.controlPlane = new LocalControlPlane({ dataDir: harness.dataDir, port: harness.port, heartbeatIntervalMs: 200, redeliveryTimeoutMs: 1_000, manifestIntervalMs: 60_000 });
    await harness.controlPlane.start();
    await waitFor('heartbeat acks on the new session', () => (activity(arn)?.heartbeatAcks ?? 0) >= 1);
    expect(agent.connector.acsConnections().length).toBeGreaterThanOrEqual(2);
    expect(agent.connector.acsConnections().at(-1)!.url.searchParams.get('sendCredentials')).toBe('false');
  });

  it('publishes TCS frames whose signatures the control plane verifies', async () => {
    agent = startAgent(harness);
    const arn = (await describeInstance(harness, 'default')).containerInstanceArn!;
    const telemetry = await waitFor('two metrics publications', () => {
      const record = harness.controlPlane.telemetry(arn);
      return record && record.metrics.length >= 2 ? record : undefined;
    });
    expect(telemetry.metrics[0]!.metadata).toMatchObject({ containerInstance: arn, idle: true, fin: true });
    expect(harness.controlPlane.tcsRejectedFrames()).toEqual([]);
  });

  it('stops on the signal with exit code 0, closing its sessions', async () => {
    agent = startAgent(harness);
    await waitFor('the agent to connect', async () => (await describeInstance(harness, 'default')).agentConnected);
    await expect(agent.stop()).resolves.toBe(0);
    agent = undefined;
    await waitFor('the control plane to see the agent gone', async () => (await describeInstance(harness, 'default')).agentConnected === false);
  });

  it('fails registration with a clear error and exit code 1 when the secret key is wrong', async () => {
    agent = startAgent(harness, { AWS_SECRET_ACCESS_KEY: 'not-the-right-secret' });
    await expect(agent.exit).resolves.toBe(1);
    const errors = agent.logger.records.filter((r) => r.level === 'error').map((r) => r.msg);
    expect(errors).toEqual([expect.stringMatching(/^RegisterContainerInstance failed: InvalidSignatureException: The request signature we calculated does not match/)]);
    expect(agent.logger.text()).not.toContain('not-the-right-secret');
    agent = undefined;
  });

  it('comes back as the same container instance from its saved state, without re-sending ECS_INSTANCE_ATTRIBUTES', async () => {
    agent = startAgent(harness, { ECS_INSTANCE_ATTRIBUTES: '{"stack":"prod"}' });
    const first = await describeInstance(harness, 'default');
    await waitFor('the agent to connect', async () => (await describeInstance(harness, 'default')).agentConnected);
    await agent.stop();
    const registrations = () => agent!.logger.records.filter((r) => r.msg === 'Registration completed successfully').length;
    agent = startAgent(harness, { ECS_INSTANCE_ATTRIBUTES: '{"stack":"staging"}' });
    await waitFor('the second registration', () => registrations() === 1);
    expect(agent.logger.records.some((r) => r.msg === 'Restored the saved container instance')).toBe(true);
    const second = await describeInstance(harness, 'default');
    expect(second.containerInstanceArn).toBe(first.containerInstanceArn);
    expect(second.attributes!.find((a) => a.name === 'stack')?.value).toBe('prod');
  });

  it('keeps the task-manifest sequence number across a restart: a manifest not newer than it is discarded unacked', async () => {
    const savedSeqNumber = () => (JSON.parse(readFileSync(path.join(harness.agentDir, STATE_FILE_NAME), 'utf8')) as { Data: { latestSeqNumberTaskManifest?: number } }).Data.latestSeqNumberTaskManifest;
    const send = (arn: string, type: string, message: Record<string, unknown>) => harness.controlPlane.sendRawAcsFrame(arn, JSON.stringify({ type, message: { containerInstanceArn: arn, ...message } }));
    const connected = async (arn: string) => {
      await waitFor('the agent to connect', async () => (await describeInstance(harness, 'default')).agentConnected);
      return arn;
    };
    agent = startAgent(harness);
    const arn = await connected((await describeInstance(harness, 'default')).containerInstanceArn!);
    expect(send(arn, 'PayloadMessage', { messageId: 'payload-50', seqNum: 50, tasks: [] })).toBe(true);
    await waitFor('the payload ack', () => activity(arn)?.acks.includes('payload-50'));
    await expect(agent.stop()).resolves.toBe(0);
    expect(savedSeqNumber()).toBe(50);
    await waitFor('the control plane to see the agent gone', async () => (await describeInstance(harness, 'default')).agentConnected === false);

    agent = startAgent(harness);
    await connected(arn);
    // Manifests are handled in order: once the newer one is acked, the older ones were seen first.
    expect(send(arn, 'TaskManifestMessage', { messageId: 'manifest-40', timeline: 40, tasks: [] })).toBe(true);
    expect(send(arn, 'TaskManifestMessage', { messageId: 'manifest-50', timeline: 50, tasks: [] })).toBe(true);
    expect(send(arn, 'TaskManifestMessage', { messageId: 'manifest-60', timeline: 60, tasks: [] })).toBe(true);
    await waitFor('the newer manifest ack', () => activity(arn)?.acks.includes('manifest-60'));
    expect(activity(arn)!.acks.filter((id) => id.startsWith('manifest-'))).toEqual(['manifest-60']);
    expect(savedSeqNumber()).toBe(60);
    await expect(agent.stop()).resolves.toBe(0);
    agent = undefined;
  });

  it('drops the saved state of another EC2 instance whole: a new container instance, and its sequence number starts afresh', async () => {
    const oldArn = 'arn:aws:ecs:us-west-2:123456789012:container-instance/default/0123456789abcdef';
    writeFileSync(
      path.join(harness.agentDir, STATE_FILE_NAME),
      JSON.stringify({ Data: { Cluster: 'default', ContainerInstanceArn: oldArn, EC2InstanceID: 'i-0old', latestSeqNumberTaskManifest: 50 }, Version: 31 }),
    );
    agent = startAgent(harness, {}, { instanceMetadata: { ...unavailableInstanceMetadata('tests run off EC2'), instanceId: async () => 'i-0new' } });
    await waitFor('the agent to connect', async () => (await describeInstance(harness, 'default')).agentConnected);
    const arn = (await describeInstance(harness, 'default')).containerInstanceArn!;
    expect(arn).not.toBe(oldArn);
    harness.controlPlane.sendRawAcsFrame(arn, JSON.stringify({ type: 'TaskManifestMessage', message: { messageId: 'manifest-10', timeline: 10, tasks: [] } }));
    await waitFor('the manifest ack', () => activity(arn)?.acks.includes('manifest-10'));
    await expect(agent.stop()).resolves.toBe(0);
    agent = undefined;
    const data = (JSON.parse(readFileSync(path.join(harness.agentDir, STATE_FILE_NAME), 'utf8')) as { Data: Record<string, unknown> }).Data;
    expect(data).toMatchObject({ ContainerInstanceArn: arn, EC2InstanceID: 'i-0new', latestSeqNumberTaskManifest: 10 });
  });

  it('exits 5 without hanging when the final save does not finish in time', async () => {
    agent = startAgent(harness, {}, { finalSaveLimits: { engineDisableMs: 5_000, saveMs: 200 } });
    await waitFor('the agent to connect', async () => (await describeInstance(harness, 'default')).agentConnected);
    // The checkpoint is written to <file>.tmp first: a FIFO there blocks that open until a reader comes.
    const fifo = path.join(harness.agentDir, `${STATE_FILE_NAME}.tmp`);
    execFileSync('mkfifo', [fifo]);
    try {
      await expect(agent.stop()).resolves.toBe(5);
      expect(agent.logger.records.filter((r) => r.level === 'error').map((r) => [r.msg, r.fields.err])).toEqual([
        ['Error saving state before final shutdown', 'final save: timed out after 200 ms trying to save the state to disk'],
      ]);
    } finally {
      // Releases the abandoned write (it then fails on the closed pipe) so nothing is left blocked.
      closeSync(openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK));
      rmSync(fifo, { force: true });
    }
    agent = undefined;
  });

  it('refuses with exit code 5 to start when the saved state belongs to another cluster', async () => {
    writeFileSync(
      path.join(harness.agentDir, STATE_FILE_NAME),
      JSON.stringify({ Data: { Cluster: 'other', ContainerInstanceArn: 'arn:aws:ecs:us-east-1:000000000000:container-instance/other/x' }, Version: 31 }),
    );
    agent = startAgent(harness, { ECS_CLUSTER: 'prod' });
    await expect(agent.exit).resolves.toBe(5);
    expect(agent.logger.records.filter((r) => r.level === 'error').map((r) => r.msg)).toEqual([expect.stringContaining('ECS_CLUSTER="prod": the saved state belongs to cluster "other"')]);
    agent = undefined;
  });
});
