import { ExponentialBackoff } from './backoff';
import { endpointUrl } from './endpoint-url';

describe('ExponentialBackoff', () => {
  it('grows by the multiplier up to the maximum and adds up to jitter × the current wait', () => {
    const acs = new ExponentialBackoff({ initialMs: 250, maxMs: 120_000, multiplier: 1.5, jitter: 0.2 }, () => 0);
    const waits = Array.from({ length: 20 }, () => acs.next());
    expect(waits.slice(0, 4)).toEqual([250, 375, 563, 844]);
    expect(waits.at(-1)).toBe(120_000);
    const jittered = new ExponentialBackoff({ initialMs: 1_000, maxMs: 60_000, multiplier: 2, jitter: 0.2 }, () => 0.999);
    expect([jittered.next(), jittered.next()]).toEqual([1_200, 2_400]);
    jittered.reset();
    expect(jittered.next()).toBe(1_200);
  });
});

describe('endpointUrl', () => {
  it.each([
    ['https://ecs-a-1.us-west-2.amazonaws.com', 'wss://ecs-a-1.us-west-2.amazonaws.com/ws?a=1&b=x+y'],
    ['https://ecs-a-1.us-west-2.amazonaws.com/', 'wss://ecs-a-1.us-west-2.amazonaws.com/ws?a=1&b=x+y'],
    ['http://127.0.0.1:8080/tcs', 'ws://127.0.0.1:8080/tcs/ws?a=1&b=x+y'],
  ])('turns %s into %s', (endpoint, expected) => {
    expect(endpointUrl(endpoint, 'ws', [['a', '1'], ['b', 'x y']]).toString()).toBe(expected);
  });

  it('names an endpoint that is not an http(s) URL', () => {
    expect(() => endpointUrl('ftp://host', 'ws', [])).toThrow('endpoint "ftp://host": expected an http(s) or ws(s) URL');
  });
});
