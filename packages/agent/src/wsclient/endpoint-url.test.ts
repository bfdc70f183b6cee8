import { endpointUrl } from './endpoint-url';

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
