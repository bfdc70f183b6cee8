import { PassThrough } from 'node:stream';
import { CannotPullContainerError, DockerTimeoutError } from './docker-errors';
import { followPullProgress } from './pull-progress';

const GENEROUS = { beginTimeoutMs: 60_000, inactivityTimeoutMs: 60_000 };

test('a stream of progress messages ending normally is a successful pull', async () => {
  const stream = new PassThrough();
  const pull = followPullProgress('registry:5000/app:1', stream, GENEROUS);
  stream.write('{"status":"Pulling from app","id":"1"}\n{"status":"Downloading","progressDetail":{"current":1}}\n');
  stream.end('{"status":"Status: Downloaded newer image for registry:5000/app:1"}\n');
  await expect(pull).resolves.toBeUndefined();
});

test('an error message in the stream fails the pull with the daemon`s words', async () => {
  const stream = new PassThrough();
  const pull = followPullProgress('registry:5000/app:1', stream, GENEROUS);
  stream.write('{"status":"Pulling from app"}\n{"errorDetail":{"message":"manifest for registry:5000/app:1 not found"},');
  stream.end('"error":"manifest for registry:5000/app:1 not found: manifest unknown"}');
  const failure = await pull.catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(CannotPullContainerError);
  expect((failure as CannotPullContainerError).reason).toBe(
    'CannotPullContainerError: Error response from daemon: manifest for registry:5000/app:1 not found: manifest unknown',
  );
  expect((failure as CannotPullContainerError).image).toBe('registry:5000/app:1');
});

test('no first message within the begin timeout is a pullBegin timeout', async () => {
  const stream = new PassThrough();
  const failure = await followPullProgress('app:1', stream, { beginTimeoutMs: 20, inactivityTimeoutMs: 60_000 }).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(DockerTimeoutError);
  expect((failure as Error).message).toBe('Could not transition to pullBegin; timed out after waiting 20ms');
  expect(stream.destroyed).toBe(true);
});

test('silence after progress began is an inactivity timeout', async () => {
  const stream = new PassThrough();
  const pull = followPullProgress('app:1', stream, { beginTimeoutMs: 60_000, inactivityTimeoutMs: 20 });
  stream.write('{"status":"Pulling fs layer"}\n');
  const failure = await pull.catch((e: unknown) => e);
  expect((failure as Error).message).toBe('Could not transition to pulled; timed out after waiting 20ms');
});
