import { AGENT_RESTART_BACKOFF, DOCKER_PING_BACKOFF, ExponentialBackoff } from './backoff';

describe('ExponentialBackoff', () => {
  it('grows by the multiple and caps at max before jitter', () => {
    const backoff = new ExponentialBackoff({ ...AGENT_RESTART_BACKOFF, random: () => 0 });
    const delays = Array.from({ length: 8 }, () => backoff.duration());
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
  });

  it('adds jitter in [0, d*jitter) only', () => {
    const high = new ExponentialBackoff({ ...AGENT_RESTART_BACKOFF, random: () => 0.999999 });
    const first = high.duration();
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThan(550);
    const half = new ExponentialBackoff({ ...DOCKER_PING_BACKOFF, random: () => 0.5 });
    expect([half.duration(), half.duration(), half.duration()]).toEqual([1100, 2200, 3300]);
  });

  it('adds no jitter when the jitter factor is zero', () => {
    const backoff = new ExponentialBackoff({ min: 10, max: 40, jitter: 0, multiple: 3, random: () => 0.9 });
    expect([backoff.duration(), backoff.duration(), backoff.duration()]).toEqual([10, 30, 40]);
  });

  it('allows maxRetries delays, then stops retrying', () => {
    const backoff = new ExponentialBackoff({ ...DOCKER_PING_BACKOFF, random: () => 0 });
    const delays: number[] = [];
    while (backoff.shouldRetry()) delays.push(backoff.duration());
    expect(delays).toEqual([1000, 2000, 3000, 3000, 3000]);
  });

  it('retries forever without maxRetries', () => {
    const backoff = new ExponentialBackoff({ ...AGENT_RESTART_BACKOFF, random: () => 0 });
    for (let i = 0; i < 1000; i++) backoff.duration();
    expect(backoff.shouldRetry()).toBe(true);
  });
});
