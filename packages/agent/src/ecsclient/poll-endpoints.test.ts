import { ManualClock } from '../../test/fakes/manual-clock';
import type { EcsApi } from './ecs-api';
import { PollEndpointResolver } from './poll-endpoints';

describe('PollEndpointResolver', () => {
  it('caches DiscoverPollEndpoint for 20 minutes and shares concurrent calls', async () => {
    const clock = new ManualClock();
    const inputs: unknown[] = [];
    const api = {
      discoverPollEndpoint: async (input: unknown) => {
        inputs.push(input);
        return { endpoint: `https://ecs-a-${inputs.length}.example`, telemetryEndpoint: `https://ecs-t-${inputs.length}.example`, $metadata: {} };
      },
    } as unknown as EcsApi;
    const resolver = new PollEndpointResolver(api, { cluster: 'prod', containerInstanceArn: 'arn:ci' }, clock);
    const [a, b] = await Promise.all([resolver.get(), resolver.get()]);
    expect(a).toEqual({ acs: 'https://ecs-a-1.example', telemetry: 'https://ecs-t-1.example' });
    expect(b).toBe(a);
    expect(inputs).toEqual([{ cluster: 'prod', containerInstance: 'arn:ci' }]);
    await clock.advance(20 * 60_000 - 1);
    expect((await resolver.get()).acs).toBe('https://ecs-a-1.example');
    await clock.advance(1);
    expect((await resolver.get()).acs).toBe('https://ecs-a-2.example');
  });

  it('names the missing field of an incomplete answer and does not cache it', async () => {
    let calls = 0;
    const api = { discoverPollEndpoint: async () => ({ endpoint: calls++ ? 'https://a' : undefined, telemetryEndpoint: 'https://t', $metadata: {} }) } as unknown as EcsApi;
    const resolver = new PollEndpointResolver(api, { cluster: 'c', containerInstanceArn: 'arn' }, new ManualClock());
    await expect(resolver.get()).rejects.toThrow('DiscoverPollEndpoint: endpoint: expected a URL, got null');
    await expect(resolver.get()).resolves.toEqual({ acs: 'https://a', telemetry: 'https://t' });
  });
});
