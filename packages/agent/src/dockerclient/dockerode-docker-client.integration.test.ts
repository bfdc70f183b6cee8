import { randomBytes } from 'node:crypto';
import { systemClock } from '@fractal-ecs/common';
import { buildBusyboxImage, docker, removeTestArtifacts, TEST_LABEL } from '../../test/support/busybox-image';
import { EventRecorder } from '../../test/support/event-recorder';
import {
  DockerOperationError,
  DockerTimeoutError,
  NoSuchContainerError,
  NoSuchImageError,
  NoSuchVolumeError,
  type ContainerCreateOptions,
  type EventSubscription,
} from '.';
import { DockerodeDockerClient } from './dockerode-docker-client';

/** Docker on 2 busy cores can take seconds per container. */
const SLOW = 120_000;

const run = randomBytes(4).toString('hex');
const image = `fractal-ecs-agent-test/busybox:${run}`;
const client = new DockerodeDockerClient({ endpoint: 'unix:///var/run/docker.sock', clock: systemClock });
const events = new EventRecorder();
let subscription: EventSubscription;

function spec(cmd: string, extra: Partial<ContainerCreateOptions> = {}): ContainerCreateOptions {
  return { Image: image, Cmd: ['sh', '-c', cmd], Labels: { [TEST_LABEL]: run }, ...extra };
}

let serial = 0;
const name = () => `fractal-agent-test-${run}-${serial++}`;

beforeAll(async () => {
  await buildBusyboxImage(image, run);
  subscription = client.subscribeEvents(events.listener);
  await subscription.ready;
}, SLOW);

afterAll(async () => {
  subscription.close();
  await removeTestArtifacts(run, [image]);
}, SLOW);

test('a container is created, started, inspected, stopped and removed', async () => {
  const containerName = name();
  const id = await client.createContainer(containerName, spec('sleep 60'));
  await client.startContainer(id);
  const running = await client.inspectContainer(id);
  expect(running.Name).toBe(`/${containerName}`);
  expect(running.State.Running).toBe(true);
  expect(running.Config.Labels[TEST_LABEL]).toBe(run);

  const listed = await client.listContainers({ labels: [`${TEST_LABEL}=${run}`] });
  expect(listed.map((c) => c.Id)).toContain(id);

  expect(await client.stopContainer(id, 1)).toEqual({ wasRunning: true });
  expect(await client.stopContainer(id, 1)).toEqual({ wasRunning: false });
  const stopped = await client.inspectContainer(id);
  expect(stopped.State.Running).toBe(false);

  await client.removeContainer(id);
  await expect(client.inspectContainer(id)).rejects.toBeInstanceOf(NoSuchContainerError);
  await expect(client.removeContainer(id)).rejects.toBeInstanceOf(NoSuchContainerError);
}, SLOW);

test('stop sends SIGTERM, then SIGKILL after the timeout to a container that ignores it', async () => {
  const id = await client.createContainer(name(), spec("trap '' TERM; while :; do sleep 1; done"));
  await client.startContainer(id);
  await client.stopContainer(id, 1);
  const state = (await client.inspectContainer(id)).State;
  expect(state.ExitCode).toBe(137);
}, SLOW);

test('an exit is reported by a die event carrying the exit code', async () => {
  const id = await client.createContainer(name(), spec('exit 3'));
  await client.startContainer(id);
  const die = await events.next(id, 'die');
  expect(die.exitCode).toBe(3);
  expect(die.attributes[TEST_LABEL]).toBe(run);
  expect(events.actionsFor(id)).toEqual(expect.arrayContaining(['create', 'start', 'die']));
}, SLOW);

test('a container over its memory limit gives an oom event and an OOM-killed inspect', async () => {
  const id = await client.createContainer(
    name(),
    spec('x=a; while :; do x=$x$x; done', { HostConfig: { Memory: 8 << 20, MemorySwap: 8 << 20 } }),
  );
  await client.startContainer(id);
  await events.next(id, 'oom');
  const die = await events.next(id, 'die');
  expect(die.exitCode).toBe(137);
  expect((await client.inspectContainer(id)).State.OOMKilled).toBe(true);
}, SLOW);

test('a container removed behind the client`s back gives die and destroy events', async () => {
  const id = await client.createContainer(name(), spec('sleep 60'));
  await client.startContainer(id);
  await docker(['rm', '-f', id]);
  await events.next(id, 'die');
  await events.next(id, 'destroy');
  await expect(client.inspectContainer(id)).rejects.toBeInstanceOf(NoSuchContainerError);
}, SLOW);

test('a create with a missing image fails naming the image', async () => {
  const missing = `fractal-ecs-agent-test/missing:${run}`;
  const failure = client.createContainer(name(), spec('true', { Image: missing }));
  await expect(failure).rejects.toBeInstanceOf(DockerOperationError);
  await expect(failure).rejects.toMatchObject({ name: 'CannotCreateContainerError', statusCode: 404, message: expect.stringContaining(missing) });
}, SLOW);

test('a call past its deadline fails with DockerTimeoutError naming the transition', async () => {
  const id = await client.createContainer(name(), spec("trap '' TERM; while :; do sleep 1; done"));
  await client.startContainer(id);
  const failure = client.stopContainer(id, 30, { timeoutMs: 200 });
  await expect(failure).rejects.toBeInstanceOf(DockerTimeoutError);
  await expect(failure).rejects.toThrow('Could not transition to stopped; timed out after waiting 200ms');
}, SLOW);

test('a one-shot stats read of a running container', async () => {
  const id = await client.createContainer(name(), spec('sleep 60'));
  await client.startContainer(id);
  const stats = await client.containerStats(id);
  expect(stats.memory_stats.usage).toBeGreaterThan(0);
  // One-shot: dockerd answers from one collection, without waiting for a previous sample.
  expect(stats.preread).toMatch(/^0001-01-01/);
  expect(stats.precpu_stats.cpu_usage.total_usage).toBe(0);
}, SLOW);

test('images: inspect, and typed errors for a missing one', async () => {
  const inspected = await client.inspectImage(image);
  expect(inspected.RepoTags).toContain(image);
  const listed = await client.listImages({ reference: image });
  expect(listed.map((i) => i.Id)).toContain(inspected.Id);
  await expect(client.inspectImage(`fractal-ecs-agent-test/missing:${run}`)).rejects.toBeInstanceOf(NoSuchImageError);
  await expect(client.removeImage(`fractal-ecs-agent-test/missing:${run}`)).rejects.toBeInstanceOf(NoSuchImageError);
}, SLOW);

test('volumes: create, inspect, remove', async () => {
  const volume = `fractal-agent-test-${run}`;
  const created = await client.createVolume({ Name: volume, Driver: 'local', Labels: { [TEST_LABEL]: run } });
  expect(created.Name).toBe(volume);
  expect((await client.inspectVolume(volume)).Labels).toEqual({ [TEST_LABEL]: run });
  await client.removeVolume(volume);
  await expect(client.inspectVolume(volume)).rejects.toBeInstanceOf(NoSuchVolumeError);
}, SLOW);
