import type { Clock } from '@fractal-ecs/common';
import { recordingLogger } from '../../test/recording-logger';
import { isRetryablePingError, pingWithRetry } from './ping';

function fakeClock() {
  const sleeps: number[] = [];
  const clock: Clock = { now: () => new Date(0), sleep: async (ms) => void sleeps.push(ms) };
  return { clock, sleeps };
}

const socketMissing = Object.assign(new Error('connect ENOENT /var/run/docker.sock'), {
  code: 'ENOENT',
  syscall: 'connect',
});
const httpError = (statusCode: number) => Object.assign(new Error(`(HTTP code ${statusCode})`), { statusCode });
const noJitter = { min: 1000, max: 3000, jitter: 0.2, multiple: 2, maxRetries: 5, random: () => 0 };

describe('isRetryablePingError', () => {
  it.each([
    ['socket missing', socketMissing, true],
    ['connection refused', Object.assign(new Error('refused'), { code: 'ECONNREFUSED', syscall: 'connect' }), true],
    ['HTTP 500', httpError(500), true],
    ['HTTP 404', httpError(404), true],
    ['HTTP 400 (API version refused)', httpError(400), false],
    ['a programming error', new TypeError('x is undefined'), false],
  ])('%s -> %s', (_name, err, retry) => expect(isRetryablePingError(err)).toBe(retry));
});

describe('pingWithRetry', () => {
  it('returns once the daemon answers, after backing off on network errors', async () => {
    const { clock, sleeps } = fakeClock();
    const { log, messages } = recordingLogger();
    let calls = 0;
    await pingWithRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw socketMissing;
      },
      { clock, log, backoff: noJitter },
    );
    expect(calls).toBe(3);
    expect(sleeps).toEqual([1000, 2000]);
    expect(messages('warn')[0]).toBe(
      'Error connecting to docker, backing off for 1s, error: connect ENOENT /var/run/docker.sock',
    );
  });

  it('gives up after five retries with the last error', async () => {
    const { clock, sleeps } = fakeClock();
    const { log } = recordingLogger();
    let calls = 0;
    const ping = async () => {
      calls += 1;
      throw httpError(500);
    };
    await expect(pingWithRetry(ping, { clock, log, backoff: noJitter })).rejects.toThrow('(HTTP code 500)');
    expect(calls).toBe(6);
    expect(sleeps).toEqual([1000, 2000, 3000, 3000, 3000]);
  });

  it('does not retry HTTP 400', async () => {
    const { clock, sleeps } = fakeClock();
    const { log } = recordingLogger();
    await expect(pingWithRetry(() => Promise.reject(httpError(400)), { clock, log })).rejects.toThrow('400');
    expect(sleeps).toEqual([]);
  });
});
