import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateClusterCommand, DescribeContainerInstancesCommand, ListContainerInstancesCommand, UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import { execaRunner, HostPaths } from '@fractal-ecs/common';
// ecs-init's own pre-start code, imported by path like the control plane: the GPU test runs the
// real hand-off from init's file to the agent's registration.
import { loadEcsConfigFiles } from '../../init/src/config';
import { devDir, NvidiaGpuSetup, waitForNvidiaDevices } from '../../init/src/gpu';
import { fakeClock, fakeEngine } from '../../init/test/engine-fakes';
import { recordingLogger } from '../../init/test/recording-logger';
import { describeInstance, startAgent, startControlPlane, waitFor, type Harness, type RunningAgent } from './agent-harness';

// The host-integration paths against the local control plane: the agent's IMDS and EC2 endpoints
// point at it the way the AWS SDK allows (AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_ENDPOINT_URL_EC2).

const INSTANCE_ID = 'i-0fedcba9876543210';

let harness: Harness;
let agent: RunningAgent | undefined;

beforeEach(async () => {
  harness = await startControlPlane({ ec2Instance: { instanceId: INSTANCE_ID } });
  await harness.api.send(new CreateClusterCommand({ clusterName: 'host' }));
});

afterEach(async () => {
  if (agent) await agent.stop();
  agent = undefined;
  await harness.cleanup();
});

/** The agent with instance metadata and EC2 served by the control plane. */
function startAgentOnEmulatedEc2(env: Record<string, string>, overrides: Parameters<typeof startAgent>[2] = {}) {
  return startAgent(
    harness,
    { ECS_CLUSTER: 'host', AWS_EC2_METADATA_SERVICE_ENDPOINT: harness.endpoint, AWS_ENDPOINT_URL_EC2: harness.endpoint, ...env },
    { instanceMetadata: undefined, ...overrides },
  );
}

/** The GPUs the instance registered, as ECS shows them: platform devices become the GPU resource. */
const registeredGpus = (instance: { registeredResources?: { name?: string; stringSetValue?: string[] }[] }) =>
  instance.registeredResources?.find((resource) => resource.name === 'GPU')?.stringSetValue;

const instanceStatus = async (arn: string) =>
  (await harness.api.send(new DescribeContainerInstancesCommand({ cluster: 'host', containerInstances: [arn] }))).containerInstances![0]!.status;

describe('container instance tags', () => {
  it('registers the EC2 instance tags without aws: ones, ECS_CONTAINER_INSTANCE_TAGS winning', async () => {
    harness.controlPlane.ec2.setTags(INSTANCE_ID, { team: 'infra', Name: 'web-1', 'aws:autoscaling:groupName': 'asg', origin: 'aws:cloudformation' });
    harness.controlPlane.ec2.setTags('i-0another000000000', { team: 'someone-else' });
    agent = startAgentOnEmulatedEc2({ ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM: 'ec2_instance', ECS_CONTAINER_INSTANCE_TAGS: '{"team":"ecs","stage":"prod"}' });
    const instance = await describeInstance(harness, 'host');
    expect(instance.ec2InstanceId).toBe(INSTANCE_ID);
    expect(Object.fromEntries(instance.tags!.map((tag) => [tag.key, tag.value]))).toEqual({ team: 'ecs', Name: 'web-1', stage: 'prod' });
  });

  it('does not read EC2 tags without ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM', async () => {
    harness.controlPlane.ec2.setTags(INSTANCE_ID, { team: 'infra' });
    agent = startAgentOnEmulatedEc2({ ECS_CONTAINER_INSTANCE_TAGS: '{"stage":"prod"}' });
    const instance = await describeInstance(harness, 'host');
    expect(instance.tags).toEqual([{ key: 'stage', value: 'prod' }]);
  });

  it('exits 5 without registering when EC2 refuses DescribeTags', async () => {
    agent = startAgentOnEmulatedEc2({ ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM: 'ec2_instance', AWS_SECRET_ACCESS_KEY: 'not-the-configured-secret' });
    await expect(agent.exit).resolves.toBe(5);
    expect(agent.logger.text()).toContain('EC2 DescribeTags for i-0fedcba9876543210 failed: AuthFailure');
    expect((await harness.api.send(new ListContainerInstancesCommand({ cluster: 'host' }))).containerInstanceArns).toEqual([]);
    agent = undefined;
  });
});

describe('spot instance draining', () => {
  it('sets the instance DRAINING once after a spot interruption notice, then stops polling', async () => {
    agent = startAgentOnEmulatedEc2({ ECS_ENABLE_SPOT_INSTANCE_DRAINING: 'true' });
    const arn = (await describeInstance(harness, 'host')).containerInstanceArn!;
    await waitFor('the agent to connect', async () => (await describeInstance(harness, 'host')).agentConnected);
    expect(await instanceStatus(arn)).toBe('ACTIVE');

    harness.controlPlane.ec2.scheduleSpotInterruption('terminate');
    const drained = () => agent!.logger.records.filter((r) => r.msg === 'Container instance is DRAINING');
    await waitFor('the agent to drain the instance', () => drained().length > 0);
    expect(await instanceStatus(arn)).toBe('DRAINING');

    // With polling over, an operator's reactivation stands although the notice is still posted.
    await harness.api.send(new UpdateContainerInstancesStateCommand({ cluster: 'host', containerInstances: [arn], status: 'ACTIVE' }));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await instanceStatus(arn)).toBe('ACTIVE');
    expect(drained()).toHaveLength(1);
  });

  it('leaves the instance alone with draining disabled', async () => {
    harness.controlPlane.ec2.scheduleSpotInterruption('terminate');
    agent = startAgentOnEmulatedEc2({});
    const instance = await describeInstance(harness, 'host');
    await waitFor('the agent to connect', async () => (await describeInstance(harness, 'host')).agentConnected);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await instanceStatus(instance.containerInstanceArn!)).toBe('ACTIVE');
  });
});

describe('GPUs', () => {
  const UUIDS = ['GPU-11111111-2222-3333-4444-555555555555', 'GPU-66666666-7777-8888-9999-000000000000'];
  let root: string;
  let savedPath: string | undefined;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ecs-gpu-host-'));
    savedPath = process.env.PATH;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(root, { recursive: true, force: true });
  });

  /** A host under `root`: /dev/nvidia0, a GPU AMI's instance config, and nvidia-smi on PATH. */
  function gpuHost(): HostPaths {
    const paths = new HostPaths(root);
    mkdirSync(devDir(paths), { recursive: true });
    writeFileSync(path.join(devDir(paths), 'nvidia0'), '');
    mkdirSync(paths.libEcs, { recursive: true });
    writeFileSync(paths.instanceConfig, 'ECS_ENABLE_GPU_SUPPORT=true\n');
    const bin = path.join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'nvidia-smi'), `#!/bin/sh\n[ "$1 $2" = "--query-gpu=uuid,driver_version --format=csv,noheader" ] || exit 2\n${UUIDS.map((id) => `echo "${id}, 535.104.05"`).join('\n')}\n`);
    chmodSync(path.join(bin, 'nvidia-smi'), 0o755);
    process.env.PATH = `${bin}:${savedPath}`;
    return paths;
  }

  /** ecs-init's pre-start with its real GPU step and ecs.config loader; Docker, sysctl and iptables faked. */
  async function preStart(paths: HostPaths) {
    const recorder = recordingLogger();
    const log = recorder.log;
    const clock = fakeClock([]);
    const init = fakeEngine({}, root, {
      log,
      nvidiaGpus: new NvidiaGpuSetup({ paths, runner: execaRunner, log }),
      loadAgentConfig: () => loadEcsConfigFiles(paths, log, () => waitForNvidiaDevices({ dir: devDir(paths), clock, log })),
    });
    init.docker.imageLoaded = true;
    await init.engine.preStart();
    return recorder;
  }

  it('ecs-init pre-start writes the inventory and the agent registers the GPUs and the driver version', async () => {
    const paths = gpuHost();
    const init = await preStart(paths);
    expect(init.messages('info')).toContain('pre-start: done setting up GPUs');
    const gpuInfoFile = path.join(paths.gpuDir, 'nvidia-gpu-info.json');

    agent = startAgent(harness, { ECS_CLUSTER: 'host', ECS_ENABLE_GPU_SUPPORT: 'true' }, { gpuInfoFile });
    const instance = await describeInstance(harness, 'host');
    expect(registeredGpus(instance)).toEqual(UUIDS);
    const attributes = Object.fromEntries(instance.attributes!.map((a) => [a.name, a.value ?? null]));
    expect(attributes).toMatchObject({ 'ecs.capability.nvidia-driver-version.535.104.05': null, 'ecs.capability.gpu-driver-version': '535.104.05' });
  });

  it('on a host without GPUs, pre-start writes nothing and the agent registers no GPUs', async () => {
    const paths = new HostPaths(root);
    mkdirSync(paths.libEcs, { recursive: true });
    writeFileSync(paths.instanceConfig, 'ECS_ENABLE_GPU_SUPPORT=true\n');
    const init = await preStart(paths);
    expect(init.messages('warn')).toContain('No GPU devices found, ignoring the GPU support config');
    expect(init.messages('info')).not.toContain('pre-start: setting up GPUs');

    agent = startAgent(harness, { ECS_CLUSTER: 'host', ECS_ENABLE_GPU_SUPPORT: 'true' }, { gpuInfoFile: path.join(paths.gpuDir, 'nvidia-gpu-info.json') });
    const instance = await describeInstance(harness, 'host');
    expect(registeredGpus(instance)).toBeUndefined();
    expect(instance.attributes!.some((a) => a.name?.includes('driver-version'))).toBe(false);
    expect(agent.logger.text()).toContain('GPU information is not found');
  });
});
