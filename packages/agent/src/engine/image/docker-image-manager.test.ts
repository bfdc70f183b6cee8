import type { Container, Task } from '../../api';
import type { ImageCleanupSettings, ImagePullBehavior, ImageSettings } from '../../config';
import { Secret } from '../../config';
import { CannotPullContainerError, DockerError, DockerOperationError, NoSuchImageError } from '../../dockerclient';
import { ManualClock, settle } from '../../../test/fakes/manual-clock';
import { FakeDocker } from '../../../test/support/fake-docker';
import { DockerImageManager, type ImageManagerOptions } from './docker-image-manager';
import { EngineRegistryAuth } from './registry-auth';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const quietLogger = { info: () => {}, warn: () => {}, debug: () => {} };

function settings(pullBehavior: ImagePullBehavior, cleanup: Partial<ImageCleanupSettings> = {}): ImageSettings {
  return {
    pullBehavior,
    pullInactivityTimeoutMs: MINUTE,
    pullTimeoutMs: 2 * HOUR,
    cleanup: {
      disabled: false,
      intervalMs: 30 * MINUTE,
      minimumAgeMs: HOUR,
      nonEcsMinimumAgeMs: HOUR,
      imagesPerCycle: 5,
      nonEcsContainersPerCycle: 5,
      untrackedEnabled: false,
      exclusionList: [],
      ...cleanup,
    },
  };
}

const task = (arn = 'arn:aws:ecs:us-west-2:1:task/c/1') => ({ arn }) as Task;
const container = (name: string, image: string, extra: Partial<Container> = {}) => ({ name, image, ...extra }) as Container;
const never = new AbortController().signal;

function setup(behavior: ImagePullBehavior, extra: Partial<ImageManagerOptions> = {}, cleanup: Partial<ImageCleanupSettings> = {}) {
  const docker = new FakeDocker();
  const clock = new ManualClock();
  const manager = new DockerImageManager({
    docker: docker.asClient(),
    clock,
    logger: quietLogger,
    images: settings(behavior, cleanup),
    taskCleanupWaitMs: 3 * HOUR,
    pullRetry: { min: 1_100, max: 5_000, multiple: 2, jitter: 0.2, maxRetries: 0 },
    ...extra,
  });
  return { docker, clock, manager };
}

const pulls = (docker: FakeDocker) => docker.calls.filter((call) => call.startsWith('pull '));

describe('pull behaviour', () => {
  test('default pulls every time and reports the image ID', async () => {
    const { docker, manager } = setup('default');
    docker.registry.set('busybox:latest', 'sha256:a');
    expect(await manager.pull(task(), container('web', 'busybox'), never)).toEqual({ pulled: true, imageId: 'sha256:a' });
    expect(await manager.pull(task('t2'), container('web', 'busybox'), never)).toMatchObject({ pulled: true });
    expect(pulls(docker)).toEqual(['pull busybox:latest', 'pull busybox:latest']);
  });

  test('default: a failed pull lets the task try the cached image', async () => {
    const { docker, manager } = setup('default');
    docker.addImage('sha256:cached', ['app:1']);
    const failure = new CannotPullContainerError('app:1', 'Error response from daemon: registry unreachable');
    docker.pullFailures.set('app:1', [failure]);
    expect(await manager.pull(task(), container('web', 'app:1'), never)).toEqual({ pulled: false, error: failure });
    // The cached image is now in use by the container: cleanup leaves it.
    expect(manager.imageStates()).toEqual([expect.objectContaining({ Image: { ImageID: 'sha256:cached', Names: ['app:1'], Size: 100 } })]);
  });

  test('default: registry credentials a task resource cannot get stop the task; an ECR token failure is a pull failure', async () => {
    const ecrFailure = new DockerError('CannotPullECRContainerError', 'ECR GetAuthorizationToken failed');
    const resourceFailure = new DockerError('ResourceInitializationError', 'unable to pull secrets or registry auth: registry credentials "login"');
    let failure: DockerError = resourceFailure;
    const { docker, manager } = setup('default', { resolveRegistryAuth: () => Promise.reject(failure) });
    docker.addImage('sha256:cached', ['app:1']);
    const withAuth = container('web', 'app:1', { registryAuthentication: { type: 'asm' } });
    await expect(manager.pull(task(), withAuth, never)).rejects.toBe(resourceFailure);
    failure = ecrFailure;
    expect(await manager.pull(task('t2'), withAuth, never)).toEqual({ pulled: false, error: ecrFailure });
    expect(pulls(docker)).toEqual([]);
  });

  test('always: a failed pull stops the task', async () => {
    const { docker, manager } = setup('always');
    docker.addImage('sha256:cached', ['app:1']);
    await expect(manager.pull(task(), container('web', 'app:1'), never)).rejects.toThrow('manifest for app:1 not found');
  });

  test('once: pulled the first time, then the cached image is used until cleanup removes it', async () => {
    const { docker, clock, manager } = setup('once', {}, { minimumAgeMs: HOUR });
    docker.registry.set('app:1', 'sha256:a');
    await manager.pull(task('t1'), container('web', 'app:1'), never);
    expect(await manager.pull(task('t2'), container('web', 'app:1'), never)).toEqual({ pulled: true, imageId: 'sha256:a' });
    expect(pulls(docker)).toHaveLength(1);

    manager.releaseContainer(task('t1'), container('web', 'app:1'));
    manager.releaseContainer(task('t2'), container('web', 'app:1'));
    await clock.advance(2 * HOUR);
    expect((await manager.runCleanupCycle()).removedImages).toEqual(['sha256:a']);
    await manager.pull(task('t3'), container('web', 'app:1'), never);
    expect(pulls(docker)).toHaveLength(2);
  });

  test('once: a pulled image removed behind the agent`s back is pulled again', async () => {
    const { docker, manager } = setup('once');
    docker.registry.set('app:1', 'sha256:a');
    await manager.pull(task('t1'), container('web', 'app:1'), never);
    docker.images.clear();
    await manager.pull(task('t2'), container('web', 'app:1'), never);
    expect(pulls(docker)).toHaveLength(2);
  });

  test('prefer-cached: uses a cached image, pulls a missing one', async () => {
    const { docker, manager } = setup('prefer-cached');
    docker.addImage('sha256:local', ['app:1']);
    docker.registry.set('app:2', 'sha256:remote');
    expect(await manager.pull(task(), container('a', 'app:1'), never)).toEqual({ pulled: true, imageId: 'sha256:local' });
    expect(await manager.pull(task(), container('b', 'app:2'), never)).toEqual({ pulled: true, imageId: 'sha256:remote' });
    expect(pulls(docker)).toEqual(['pull app:2']);
  });

  test('containers asking for the same image at once share one pull', async () => {
    const { docker, manager } = setup('always');
    docker.registry.set('app:latest', 'sha256:a');
    let open!: () => void;
    docker.pullGate = new Promise((resolve) => (open = resolve));
    const first = manager.pull(task('t1'), container('a', 'app:latest'), never);
    const second = manager.pull(task('t2'), container('b', 'app'), never);
    const third = manager.pull(task('t2'), container('c', 'app:latest'), never);
    await settle();
    open();
    expect(await Promise.all([first, second, third])).toEqual([
      { pulled: true, imageId: 'sha256:a' },
      { pulled: true, imageId: 'sha256:a' },
      { pulled: true, imageId: 'sha256:a' },
    ]);
    expect(pulls(docker)).toEqual(['pull app:latest']);
  });

  test('a pull is retried with upstream`s backoff, then succeeds', async () => {
    const { docker, clock, manager } = setup('always', {
      pullRetry: { min: 1_100, max: 5_000, multiple: 2, jitter: 0.2, maxRetries: 4, random: () => 0 },
    });
    docker.registry.set('app:1', 'sha256:a');
    docker.pullFailures.set('app:1', [new Error('EOF'), new Error('EOF')]);
    const pull = manager.pull(task(), container('web', 'app:1'), never);
    await clock.advance(10_000);
    expect(await pull).toMatchObject({ pulled: true });
    expect(clock.requestedSleeps).toEqual([1_100, 2_200]);
    expect(pulls(docker)).toHaveLength(3);
  });

  test('after five attempts the pull fails with the last error', async () => {
    const { docker, clock, manager } = setup('always', {
      pullRetry: { min: 1_100, max: 5_000, multiple: 2, jitter: 0.2, maxRetries: 4, random: () => 0 },
    });
    docker.pullFailures.set('app:1', [1, 2, 3, 4, 5].map((n) => new Error(`failure ${n}`)));
    const pull = manager.pull(task(), container('web', 'app:1'), never).catch((e: Error) => e);
    await clock.advance(60_000);
    expect(((await pull) as Error).message).toBe('failure 5');
    expect(clock.requestedSleeps).toEqual([1_100, 2_200, 4_400, 5_000]);
  });

  test('ECS_ENGINE_AUTH_DATA credentials go with pulls from their registry only', async () => {
    const auth = EngineRegistryAuth.parse('docker', new Secret(JSON.stringify({ '127.0.0.1:51671': { username: 'u', password: 'p' } })));
    const { docker, manager } = setup('always', { auth });
    docker.registry.set('127.0.0.1:51671/app:latest', 'sha256:a');
    docker.registry.set('127.0.0.1:51670/app:latest', 'sha256:b');
    await manager.pull(task(), container('a', '127.0.0.1:51671/app'), never);
    await manager.pull(task(), container('b', '127.0.0.1:51670/app'), never);
    expect(docker.pullAuth).toEqual([{ username: 'u', password: 'p', serveraddress: '127.0.0.1:51671' }, undefined]);
  });

  test('a re-pointed tag moves to the new image ID', async () => {
    const { docker, manager } = setup('always');
    docker.registry.set('app:latest', 'sha256:old');
    await manager.pull(task('t1'), container('web', 'app'), never);
    docker.registry.set('app:latest', 'sha256:new');
    await manager.pull(task('t2'), container('web', 'app'), never);
    const names = Object.fromEntries(manager.imageStates().map((s) => [s.Image.ImageID, s.Image.Names]));
    expect(names).toEqual({ 'sha256:old': [], 'sha256:new': ['app:latest'] });
  });
});

describe('image cleanup', () => {
  /** Images pulled by tasks t-<tag>, then released one minute apart in the order given. */
  async function pulledAndReleased(manager: DockerImageManager, docker: FakeDocker, clock: ManualClock, tags: string[]) {
    for (const tag of tags) {
      docker.registry.set(`app:${tag}`, `sha256:${tag}`);
      await manager.pull(task(`t-${tag}`), container('web', `app:${tag}`), never);
    }
    for (const tag of tags) {
      await clock.advance(MINUTE);
      manager.releaseContainer(task(`t-${tag}`), container('web', `app:${tag}`));
    }
  }

  test('unused images older than the minimum age go, least recently used first, at most N per cycle', async () => {
    const { docker, clock, manager } = setup('default', {}, { imagesPerCycle: 2 });
    await pulledAndReleased(manager, docker, clock, ['c', 'a', 'b']);
    await clock.advance(HOUR);
    expect((await manager.runCleanupCycle()).removedImages).toEqual(['sha256:c', 'sha256:a']);
    expect(docker.calls.filter((c) => c.startsWith('rmi'))).toEqual(['rmi app:c', 'rmi app:a']);
    expect((await manager.runCleanupCycle()).removedImages).toEqual(['sha256:b']);
    expect(manager.imageStates()).toEqual([]);
  });

  test('an image in use, one too young and an excluded one are kept', async () => {
    const { docker, clock, manager } = setup('default', {}, { exclusionList: ['app:kept'] });
    docker.registry.set('app:used', 'sha256:used');
    docker.registry.set('app:kept', 'sha256:kept');
    await manager.pull(task('t1'), container('web', 'app:used'), never);
    await manager.pull(task('t2'), container('web', 'app:kept'), never);
    manager.releaseContainer(task('t2'), container('web', 'app:kept'));
    await clock.advance(2 * HOUR);
    docker.registry.set('app:young', 'sha256:young');
    await manager.pull(task('t3'), container('web', 'app:young'), never);
    manager.releaseContainer(task('t3'), container('web', 'app:young'));
    expect((await manager.runCleanupCycle()).removedImages).toEqual([]);
    expect(docker.calls.filter((c) => c.startsWith('rmi'))).toEqual([]);
  });

  test('a failing image is skipped for the cycle, a missing one counts as removed', async () => {
    const { docker, clock, manager } = setup('default');
    await pulledAndReleased(manager, docker, clock, ['a', 'b', 'c']);
    await clock.advance(HOUR);
    docker.removeFailures.set('app:a', new DockerOperationError('CannotRemoveImageError', 'conflict: image is being used by stopped container 1f2e', 409));
    docker.images.delete('sha256:b');
    const report = await manager.runCleanupCycle();
    expect(report.removedImages).toEqual(['sha256:b', 'sha256:c']);
    expect(report.failedImages).toEqual([{ imageId: 'sha256:a', error: 'conflict: image is being used by stopped container 1f2e' }]);
    expect(manager.imageStates().map((s) => s.Image.ImageID)).toEqual(['sha256:a']);
  });

  test('untracked cleanup removes stopped non-ECS containers and untracked images, smallest first, within the budget', async () => {
    const { docker, clock, manager } = setup('default', {}, { untrackedEnabled: true, imagesPerCycle: 3, exclusionList: ['keep:me'] });
    const now = clock.now().getTime() / 1000;
    await pulledAndReleased(manager, docker, clock, ['tracked']);
    await clock.advance(HOUR);
    docker.addImage('sha256:big', ['big:1'], 900, now - 2 * 3600);
    docker.addImage('sha256:small', ['small:1', 'small:2'], 10, now - 2 * 3600);
    docker.addImage('sha256:dangling', [], 50, now - 2 * 3600);
    docker.addImage('sha256:excluded', ['keep:me'], 1, now - 2 * 3600);
    docker.addImage('sha256:recent', ['recent:1'], 1, now + 3600);
    docker.containers = [
      { Id: 'old-exited', State: 'exited', Labels: {}, Names: ['/x'] },
      { Id: 'ecs-exited', State: 'exited', Labels: { 'com.amazonaws.ecs.task-arn': 'arn' }, Names: ['/y'] },
      { Id: 'running', State: 'running', Labels: {}, Names: ['/z'] },
      { Id: 'just-exited', State: 'exited', Labels: {}, Names: ['/w'] },
    ] as never;
    docker.finishedAt.set('old-exited', new Date(clock.now().getTime() - 4 * HOUR).toISOString());
    docker.finishedAt.set('just-exited', new Date(clock.now().getTime() - MINUTE).toISOString());

    const report = await manager.runCleanupCycle();
    expect(report.removedImages).toEqual(['sha256:tracked']);
    expect(report.removedContainers).toEqual(['old-exited']);
    // Budget 3, one used by the tracked image: the two smallest untracked images go.
    expect(report.removedUntrackedImages).toEqual(['sha256:small', 'sha256:dangling']);
    expect(docker.calls).toEqual(expect.arrayContaining(['rmi small:1', 'rmi small:2', 'rmi sha256:dangling']));
    expect([...docker.images.keys()].sort()).toEqual(['sha256:big', 'sha256:excluded', 'sha256:recent']);
  });

  test('the loop runs a cycle each interval, the first one interval after start', async () => {
    const { docker, clock, manager } = setup('default', {}, { intervalMs: 30 * MINUTE, minimumAgeMs: 0 });
    await pulledAndReleased(manager, docker, clock, ['a']);
    manager.startCleanup();
    await clock.advance(29 * MINUTE);
    expect(docker.images.size).toBe(1);
    await clock.advance(MINUTE);
    expect(docker.images.size).toBe(0);
    await manager.stopCleanup();
    expect(clock.pendingSleeps).toBe(0);
  });

  test.each([
    ['ECS_DISABLE_IMAGE_CLEANUP', 'default', true],
    ['ECS_IMAGE_PULL_BEHAVIOR=prefer-cached', 'prefer-cached', false],
  ] as const)('%s: no cleanup loop', async (_name, behavior, disabled) => {
    const { clock, manager } = setup(behavior, {}, { disabled });
    manager.startCleanup();
    await settle();
    expect(clock.pendingSleeps).toBe(0);
  });

  test('a cleanup waits for pulls in flight, and pulls wait for a running cleanup', async () => {
    const { docker, clock, manager } = setup('default', {}, { minimumAgeMs: 0 });
    await pulledAndReleased(manager, docker, clock, ['old']);
    docker.registry.set('app:new', 'sha256:new');
    let open!: () => void;
    docker.pullGate = new Promise((resolve) => (open = resolve));
    const pull = manager.pull(task('t9'), container('web', 'app:new'), never);
    await settle();
    const cycle = manager.runCleanupCycle();
    await settle();
    expect(docker.calls.filter((c) => c.startsWith('rmi'))).toEqual([]);
    open();
    await pull;
    expect((await cycle).removedImages).toEqual(['sha256:old']);
  });
});

describe('checkpoint', () => {
  test('image states round-trip in upstream`s layout, and unreadable entries are skipped', async () => {
    const { docker, clock, manager } = setup('once');
    docker.registry.set('app:1', 'sha256:a');
    await manager.pull(task(), container('web', 'app:1'), never);
    const saved = JSON.parse(JSON.stringify(manager.imageStates()));
    expect(saved).toEqual([
      { Image: { ImageID: 'sha256:a', Names: ['app:1'], Size: 100 }, PulledAt: clock.now().toISOString(), LastUsedAt: clock.now().toISOString(), PullSucceeded: true },
    ]);

    const warnings: unknown[] = [];
    const restored = new DockerImageManager({
      docker: docker.asClient(),
      clock,
      logger: { ...quietLogger, warn: (fields: unknown) => warnings.push(fields) },
      images: settings('once'),
      taskCleanupWaitMs: HOUR,
    });
    restored.loadImageStates([...saved, { Image: { Names: [] } }, { Image: { ImageID: 'sha256:b' }, PulledAt: 'yesterday', LastUsedAt: '' }]);
    expect(restored.imageStates()).toEqual(saved);
    expect(warnings).toEqual([
      { problem: 'ImageStates[1]: Image.ImageID: expected an image ID' },
      { problem: 'ImageStates[2]: PulledAt: expected an RFC 3339 time, got "yesterday"' },
    ]);
    // `once` remembers the pull across the restart.
    await restored.pull(task('t2'), container('web', 'app:1'), never);
    expect(pulls(docker)).toHaveLength(1);
  });

  test('an adopted container whose image the agent never pulled is recorded from Docker', async () => {
    const { docker, clock, manager } = setup('default', {}, { minimumAgeMs: 0 });
    docker.addImage('sha256:adopted', ['app:9']);
    manager.recordContainer(task(), container('web', 'app:9'));
    await settle();
    await clock.advance(HOUR);
    expect((await manager.runCleanupCycle()).removedImages).toEqual([]);
    manager.releaseContainer(task(), container('web', 'app:9'));
    expect((await manager.runCleanupCycle()).removedImages).toEqual(['sha256:adopted']);
  });
});

test('NoSuchImageError is what a missing image gives', () => {
  expect(new NoSuchImageError('x').reason).toBe('NoSuchImageError: No such image: x');
});
