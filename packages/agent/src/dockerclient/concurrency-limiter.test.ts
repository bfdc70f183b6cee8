import { ConcurrencyLimiter } from './concurrency-limiter';

test('no more than the limit run at once, and queued operations run in arrival order', async () => {
  const limiter = new ConcurrencyLimiter(2);
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const releases: Array<() => void> = [];
  const ops = [0, 1, 2, 3, 4].map((n) =>
    limiter.run(async () => {
      started.push(n);
      peak = Math.max(peak, ++running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      return n;
    }),
  );
  await new Promise((r) => setImmediate(r));
  expect(started).toEqual([0, 1]);
  while (releases.length) {
    releases.shift()!();
    await new Promise((r) => setImmediate(r));
  }
  expect(await Promise.all(ops)).toEqual([0, 1, 2, 3, 4]);
  expect(started).toEqual([0, 1, 2, 3, 4]);
  expect(peak).toBe(2);
});

test('a failing operation frees its slot', async () => {
  const limiter = new ConcurrencyLimiter(1);
  await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  await expect(limiter.run(async () => 'next')).resolves.toBe('next');
});

test('a limit below one is refused with the value', () => {
  expect(() => new ConcurrencyLimiter(0)).toThrow('concurrency limit: expected a positive integer, got 0');
});
