import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RunTaskCommand } from '@aws-sdk/client-ecs';
import { describeInstance } from '../agent-harness';
import { EngineTestBed, type AgentHandle } from '../engine/engine-harness';
import { ScratchDockerDaemon } from '../support/scratch-docker-daemon';

// GPUs end to end without a GPU: a Docker daemon of the test's own with a fake `nvidia` runtime (runc
// registered under that name), the inventory file ecs-init's pre-start writes, and the local control
// plane placing GPU resourceRequirements on the GPUs the agent registered. Each container that asks
// for a GPU must run under the nvidia runtime with exactly its GPU in NVIDIA_VISIBLE_DEVICES.

const GPUS = ['GPU-5a1c0e42-0b7d-4c1e-9f00-6d2e3a4b5c01', 'GPU-7f3e9d21-1c8a-4b2f-8e11-0a9b8c7d6e02'];
const IMAGE = 'fractal-gpu-runtime/busybox:latest';

let daemon: ScratchDockerDaemon;
let bed: EngineTestBed;
let agent: AgentHandle;
let dir: string;

beforeAll(async () => {
  daemon = await new ScratchDockerDaemon({ nvidia: 'runc' }).start();
  await daemon.importBusybox(IMAGE);
  dir = mkdtempSync(path.join(tmpdir(), 'gpu-runtime-'));
  const gpuInfoFile = path.join(dir, 'nvidia-gpu-info.json');
  writeFileSync(gpuInfoFile, JSON.stringify({ DriverVersion: '535.104.05', GPUIDs: GPUS }));
  bed = await new EngineTestBed().start();
  agent = bed.startAgent({ DOCKER_HOST: daemon.host, ECS_ENABLE_GPU_SUPPORT: 'true', ECS_ENABLE_TASK_CPU_MEM_LIMIT: 'false' }, { gpuInfoFile });
  await bed.waitForEngine(agent);
}, 90_000);

afterAll(async () => {
  await bed?.cleanup();
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Inspected {
  Id: string;
  HostConfig: { Runtime: string };
  Config: { Env: string[]; Labels: Record<string, string> };
}

async function containerOf(taskArn: string, name: string): Promise<Inspected> {
  const filters = [`label=com.amazonaws.ecs.task-arn=${taskArn}`, `label=com.amazonaws.ecs.container-name=${name}`].flatMap((filter) => ['--filter', filter]);
  const id = (await daemon.docker(['ps', '-aq', '--no-trunc', ...filters])).trim();
  return (JSON.parse(await daemon.docker(['inspect', id])) as Inspected[])[0]!;
}

it('registers the GPUs from the inventory file, which the control plane turns into its GPU resource', async () => {
  const instance = await describeInstance(bed.harness, bed.cluster);
  expect(instance.registeredResources?.find((resource) => resource.name === 'GPU')?.stringSetValue).toEqual(GPUS);
});

it('runs each container assigned a GPU under the nvidia runtime with only that GPU, its neighbour under runc with none', async () => {
  const definition = await bed.register({
    family: 'cuda',
    networkMode: 'none',
    containerDefinitions: [
      { name: 'cuda', image: IMAGE, memory: 16, command: ['sleep', '600'], environment: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }], resourceRequirements: [{ type: 'GPU', value: '1' }] },
      { name: 'plain', image: IMAGE, memory: 16, command: ['sleep', '600'] },
    ],
  });
  const tasks = await bed.run(definition, 2);
  for (const arn of tasks) await bed.waitForStatus(arn, 'RUNNING');

  const assigned: string[] = [];
  for (const arn of tasks) {
    const gpuIds = (await bed.describe(arn)).containers!.find((container) => container.name === 'cuda')!.gpuIds!;
    expect(gpuIds).toHaveLength(1);
    assigned.push(gpuIds[0]!);
    const cuda = await containerOf(arn, 'cuda');
    expect(cuda.HostConfig.Runtime).toBe('nvidia');
    // The assignment replaces the definition's own value; the runtime really started the process.
    expect(cuda.Config.Env.filter((entry) => entry.startsWith('NVIDIA_VISIBLE_DEVICES='))).toEqual([`NVIDIA_VISIBLE_DEVICES=${gpuIds[0]}`]);
    expect((await daemon.docker(['exec', cuda.Id, 'env'])).split('\n')).toContain(`NVIDIA_VISIBLE_DEVICES=${gpuIds[0]}`);
    const plain = await containerOf(arn, 'plain');
    expect(plain.HostConfig.Runtime).toBe('runc');
    expect(plain.Config.Env.some((entry) => entry.startsWith('NVIDIA_VISIBLE_DEVICES='))).toBe(false);
  }
  expect(assigned.sort()).toEqual([...GPUS].sort());

  // Both GPUs are taken: a third task is not placed.
  const third = await bed.harness.api.send(new RunTaskCommand({ cluster: bed.cluster, taskDefinition: definition }));
  expect(third.failures).toEqual([expect.objectContaining({ reason: 'RESOURCE:GPU' })]);
}, 120_000);
