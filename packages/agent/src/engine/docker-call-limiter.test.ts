import { DockerCallLimiter } from './docker-call-limiter';

/** A call that finishes when the test says so, recording when it began. */
function gatedCalls(log: string[]) {
  const gates = new Map<string, () => void>();
  const call = (name: string) => () =>
    new Promise<string>((resolve) => {
      log.push(name);
      gates.set(name, () => resolve(name));
    });
  const finish = async (name: string) => {
    gates.get(name)!();
    // Let the limiter hand the slot on.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { call, finish };
}

describe('DockerCallLimiter', () => {
  it('runs at most `limit` calls at once, and queued starts before queued creates', async () => {
    const began: string[] = [];
    const { call, finish } = gatedCalls(began);
    const limiter = new DockerCallLimiter(2);
    const results = [
      limiter.run('create', call('create-a')),
      limiter.run('create', call('create-b')),
      limiter.run('create', call('create-c')),
      limiter.run('start', call('start-a')),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    expect(began).toEqual(['create-a', 'create-b']);
    await finish('create-a');
    expect(began).toEqual(['create-a', 'create-b', 'start-a']);
    await finish('create-b');
    expect(began).toEqual(['create-a', 'create-b', 'start-a', 'create-c']);
    await finish('start-a');
    await finish('create-c');
    await expect(Promise.all(results)).resolves.toEqual(['create-a', 'create-b', 'create-c', 'start-a']);
  });

  it('frees the slot when a call fails', async () => {
    const limiter = new DockerCallLimiter(1);
    await expect(limiter.run('create', async () => Promise.reject(new Error('no such image')))).rejects.toThrow('no such image');
    await expect(limiter.run('start', async () => 'started')).resolves.toBe('started');
  });

  it('refuses a limit that is not a positive integer, naming it', () => {
    expect(() => new DockerCallLimiter(0)).toThrow('limit must be a positive integer, got 0');
  });
});
