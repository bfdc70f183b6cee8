import { ExponentialBackoff, type BackoffOptions } from './backoff';

// ecs-init's two presets (agent restart, Docker ping) and the agent's ACS reconnect backoff.
const AGENT_RESTART_BACKOFF: BackoffOptions = { min: 500, max: 15_000, jitter: 0.1, multiple: 2 };
const DOCKER_PING_BACKOFF: BackoffOptions = { min: 1000, max: 3000, jitter: 0.2, multiple: 2, maxRetries: 5 };

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

  it('gives whole milliseconds, rounded down, and starts over after reset', () => {
    const acs = new ExponentialBackoff({ min: 250, max: 120_000, multiple: 1.5, jitter: 0.2, random: () => 0 });
    expect([acs.duration(), acs.duration(), acs.duration(), acs.duration()]).toEqual([250, 375, 562, 843]);
    const jittered = new ExponentialBackoff({ min: 1_000, max: 60_000, multiple: 2, jitter: 0.2, maxRetries: 2, random: () => 0.999 });
    expect([jittered.duration(), jittered.duration()]).toEqual([1_199, 2_399]);
    expect(jittered.shouldRetry()).toBe(false);
    jittered.reset();
    expect(jittered.shouldRetry()).toBe(true);
    expect(jittered.duration()).toBe(1_199);
  });
});
