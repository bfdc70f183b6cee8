import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { systemClock } from '@fractal-ecs/common';
import { loadAgentConfig } from '../../src/config';
import { DockerodeDockerClient } from '../../src/dockerclient';
import { createDockerTaskEngine, type DockerTaskEngine } from '../../src/engine';
import type { StateChangeApi } from '../../src/eventhandler';
import { AgentCheckpoint } from '../../src/statemanager';
import type { AcsTask } from '../../src/wire';
import { waitFor } from '../agent-harness';
import { buildTaggedBusyboxImage, removeImages } from '../support/busybox-image';
import { recordingLogger } from '../fakes/recording-logger';

// What the Docker task engine does with GPU associations where the daemon lacks the runtime, fed ACS
// tasks directly (gpu-runtime.integration.test.ts covers the path through the control plane and a
// daemon with a fake `nvidia` runtime): the default runtime name is really asked for, so the create
// fails naming it; and an association naming a container the task lacks fails the task.

const IMAGE = 'fractal-gpu-probe:latest';
const run = randomBytes(4).toString('hex');
const cluster = `gpu-test-${run}`;
const docker = new DockerodeDockerClient({ endpoint: 'unix:///var/run/docker.sock', clock: systemClock });
const reported: { task?: string; status?: string; reason?: string; containers?: { containerName?: string; status?: string; reason?: string }[] }[] = [];
const api: StateChangeApi = {
  submitTaskStateChange: async (input) => {
    reported.push({ ...input, containers: input.containers?.map((c) => ({ ...c })) } as (typeof reported)[number]);
    return {};
  },
  submitContainerStateChange: async () => ({}),
};
const engines: DockerTaskEngine[] = [];

async function startEngine(nvidiaRuntime: string | undefined): Promise<DockerTaskEngine> {
  const env = { ECS_CLUSTER: cluster, ECS_IMAGE_PULL_BEHAVIOR: 'prefer-cached', ECS_DISABLE_METRICS: 'true', ...(nvidiaRuntime ? { ECS_NVIDIA_RUNTIME: nvidiaRuntime } : {}) };
  const { config } = loadAgentConfig({ env, readFile: () => undefined, flags: {} });
  const logger = recordingLogger();
  const engine = createDockerTaskEngine({ config, cluster, docker, api, checkpoint: new AgentCheckpoint(undefined, logger), clock: systemClock, logger, settings: { drainIntervalMs: [100, 200] } });
  await engine.start();
  engines.push(engine);
  return engine;
}

function acsTask(id: string): AcsTask {
  const container = (name: string, environment: Record<string, string> = {}) => ({ name, image: IMAGE, essential: true, memory: 16, command: ['sleep', '600'], environment });
  return {
    arn: `arn:aws:ecs:us-west-2:123456789012:task/${cluster}/${id}`,
    family: `gpu-${run}`,
    version: '1',
    desiredStatus: 'RUNNING',
    // The task definition's own NVIDIA_VISIBLE_DEVICES loses to the assignment, as upstream.
    containers: [container('cuda', { NVIDIA_VISIBLE_DEVICES: 'all', KEEP: 'me' }), container('plain')],
    associations: [
      { type: 'gpu', name: 'GPU-0f6a1c2e', containers: ['cuda'] },
      { type: 'gpu', name: 'GPU-9b3d4e5f', containers: ['cuda'] },
    ],
  } as AcsTask;
}

function inspect(taskArn: string, name: string): { Runtime: string; Env: string[] } {
  const id = execFileSync('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=com.amazonaws.ecs.task-arn=${taskArn}`, '--filter', `label=com.amazonaws.ecs.container-name=${name}`], { encoding: 'utf8' }).trim();
  const [info] = JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' })) as { HostConfig: { Runtime: string }; Config: { Env: string[] } }[];
  return { Runtime: info!.HostConfig.Runtime, Env: info!.Config.Env };
}

beforeAll(async () => {
  await buildTaggedBusyboxImage([IMAGE]);
}, 60_000);

afterAll(async () => {
  for (const engine of engines) await engine.close();
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.amazonaws.ecs.cluster=${cluster}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  removeImages([IMAGE]);
});

it('with the default runtime name the create asks Docker for `nvidia` (unknown here: the container fails naming it)', async () => {
  const engine = await startEngine(undefined);
  const task = acsTask('defaultruntime');
  await engine.addTask(task, { messageId: 'm2' });
  // The container's failure may ride on a later report than the task's first STOPPED one.
  const cudaReported = () =>
    reported.filter((change) => change.task === task.arn).flatMap((change) => change.containers ?? []).find((container) => container.containerName === 'cuda' && container.reason);
  await waitFor('the task STOPPED', () => reported.find((change) => change.task === task.arn && change.status === 'STOPPED'), 60_000);
  const cuda = await waitFor("the cuda container's stop reason", cudaReported, 60_000);
  expect(cuda?.reason).toMatch(/^CannotCreateContainerError: .*nvidia/);
}, 120_000);

it('a GPU associated with a container the task does not have fails the task, naming it', async () => {
  const engine = await startEngine('runc');
  const task = { ...acsTask('badgpu'), associations: [{ type: 'gpu', name: 'GPU-77', containers: ['missing'] }] };
  await engine.addTask(task, { messageId: 'm3' });
  const stopped = await waitFor('the task refused', () => reported.find((change) => change.task === task.arn && change.status === 'STOPPED'), 30_000);
  expect(stopped.reason).toMatch(/associations.*could not find container with name missing for associating GPU GPU-77/);
}, 60_000);
