import { randomBytes } from 'node:crypto';
import { systemClock } from '@fractal-ecs/common';
import type { Container, Task } from '../../api';
import type { ImagePullBehavior, ImageSettings } from '../../config';
import { Secret } from '../../config';
import { CannotPullContainerError, DockerodeDockerClient } from '../../dockerclient';
import { buildBusyboxImage, docker, removeTestArtifacts } from '../../../test/support/busybox-image';
import { AUTH_REGISTRY_PORT, pushImage, startLocalRegistry, type LocalRegistry } from '../../../test/support/local-registry';
import { DockerImageManager, type ImageManagerOptions } from './docker-image-manager';
import { EngineRegistryAuth } from './registry-auth';

/** Docker on 2 busy cores can take seconds per image. */
const SLOW = 120_000;
const run = randomBytes(4).toString('hex');
const localA = `fractal-ecs-agent-test/busybox-a:${run}`;
const localB = `fractal-ecs-agent-test/busybox-b:${run}`;
const credentials = { username: 'ecs-tester', password: `pw-${run}` };
const client = new DockerodeDockerClient({ endpoint: 'unix:///var/run/docker.sock', clock: systemClock });
const never = new AbortController().signal;
const quietLogger = { info: () => {}, warn: () => {}, debug: () => {} };

let registry: LocalRegistry;
let authRegistry: LocalRegistry;
let remote: string;
let protectedRemote: string;
let idA: string;
let idB: string;
const remoteTags: string[] = [];

function manager(pullBehavior: ImagePullBehavior, extra: Partial<ImageManagerOptions> = {}): DockerImageManager {
  const images: ImageSettings = {
    pullBehavior,
    pullInactivityTimeoutMs: 60_000,
    pullTimeoutMs: 60_000,
    cleanup: {
      disabled: false,
      intervalMs: 30 * 60_000,
      minimumAgeMs: 0,
      nonEcsMinimumAgeMs: 3_600_000,
      imagesPerCycle: 5,
      nonEcsContainersPerCycle: 5,
      untrackedEnabled: false,
      exclusionList: [],
    },
  };
  // One attempt: the retries' backoff is covered by the unit tests.
  return new DockerImageManager({ docker: client, clock: systemClock, logger: quietLogger, images, taskCleanupWaitMs: 3_600_000, pullRetry: { min: 1, max: 1, multiple: 1, jitter: 0, maxRetries: 0 }, ...extra });
}

const task = (arn: string) => ({ arn }) as Task;
const container = (image: string, name = 'web') => ({ name, image }) as Container;
const localId = async (ref: string) => (await client.inspectImage(ref)).Id;

/** Points the remote tag at image B locally, so only a real pull brings image A back. */
const shadowWithB = () => docker(['tag', localB, remote]);

beforeAll(async () => {
  registry = await startLocalRegistry();
  authRegistry = await startLocalRegistry(AUTH_REGISTRY_PORT, credentials);
  remote = `${registry.host}/agent-test-${run}/busybox:latest`;
  protectedRemote = `${authRegistry.host}/agent-test-${run}/busybox:latest`;
  remoteTags.push(remote, protectedRemote);
  idA = await buildBusyboxImage(localA, run, 'a');
  idB = await buildBusyboxImage(localB, run, 'b');
  await pushImage(localA, remote);
  await pushImage(localA, protectedRemote, credentials);
  await docker(['rmi', remote, protectedRemote]);
}, SLOW);

afterAll(async () => {
  await removeTestArtifacts(run, [...remoteTags, localA, localB]);
  await registry?.stop();
  await authRegistry?.stop();
}, SLOW);

test('always pulls again over a local image of the same name', async () => {
  await shadowWithB();
  expect(await manager('always').pull(task('t1'), container(remote), never)).toMatchObject({ pulled: true, imageId: idA, imageDigest: expect.stringMatching(/^sha256:/) });
  expect(await localId(remote)).toBe(idA);
}, SLOW);

test('default pulls too', async () => {
  await shadowWithB();
  expect(await manager('default').pull(task('t1'), container(remote), never)).toMatchObject({ pulled: true, imageId: idA });
}, SLOW);

test('prefer-cached uses the local image without pulling', async () => {
  await shadowWithB();
  expect(await manager('prefer-cached').pull(task('t1'), container(remote), never)).toMatchObject({ pulled: true, imageId: idB });
  expect(await localId(remote)).toBe(idB);
}, SLOW);

test('once pulls the first time only', async () => {
  await shadowWithB();
  const images = manager('once');
  expect(await images.pull(task('t1'), container(remote), never)).toMatchObject({ imageId: idA });
  await shadowWithB();
  expect(await images.pull(task('t2'), container(remote), never)).toMatchObject({ pulled: true, imageId: idB });
}, SLOW);

test('a missing image gives CannotPullContainerError naming it; default then tries the cached image', async () => {
  const missing = `${registry.host}/agent-test-${run}/missing:1`;
  const failure = await manager('always').pull(task('t1'), container(missing), never).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(CannotPullContainerError);
  expect((failure as CannotPullContainerError).reason).toMatch(/^CannotPullContainerError: Error response from daemon: .*agent-test-[0-9a-f]+\/missing/);
  expect((failure as Error).message).toContain(`agent-test-${run}/missing`);

  const outcome = await manager('default').pull(task('t1'), container(missing), never);
  expect(outcome).toMatchObject({ pulled: false, error: expect.any(CannotPullContainerError) });
}, SLOW);

test('the protected registry takes ECS_ENGINE_AUTH_DATA credentials and refuses without them', async () => {
  const refused = await manager('always').pull(task('t1'), container(protectedRemote), never).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(CannotPullContainerError);
  expect((refused as Error).message).toMatch(/no basic auth credentials|unauthorized|authentication required/);

  const auth = EngineRegistryAuth.parse('docker', new Secret(JSON.stringify({ [authRegistry.host]: credentials })));
  expect(await manager('always', { auth }).pull(task('t1'), container(protectedRemote), never)).toMatchObject({ pulled: true, imageId: idA });

  const dockercfg = EngineRegistryAuth.parse(
    'dockercfg',
    new Secret(JSON.stringify({ [`http://${authRegistry.host}`]: { auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64') } })),
  );
  await docker(['rmi', protectedRemote]);
  expect(await manager('always', { auth: dockercfg }).pull(task('t1'), container(protectedRemote), never)).toMatchObject({ pulled: true, imageId: idA });
}, SLOW);

test('image cleanup removes an unused image and keeps one in use', async () => {
  const images = manager('always');
  const unused = `${registry.host}/agent-test-${run}/unused:1`;
  const inUse = `${registry.host}/agent-test-${run}/in-use:1`;
  remoteTags.push(unused, inUse);
  await pushImage(localB, unused);
  await pushImage(localA, inUse);
  await docker(['rmi', unused, inUse]);

  await images.pull(task('t-unused'), container(unused), never);
  await images.pull(task('t-in-use'), container(inUse), never);
  images.releaseContainer(task('t-unused'), container(unused));

  const report = await images.runCleanupCycle();
  expect(report.removedImages).toEqual([idB]);
  await expect(client.inspectImage(unused)).rejects.toThrow(/No such image/);
  expect(await localId(inUse)).toBe(idA);
  // The image itself stays: the local test tag still names it.
  expect(await localId(localB)).toBe(idB);
}, SLOW);
