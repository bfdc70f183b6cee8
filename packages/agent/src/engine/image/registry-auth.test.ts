import { inspect } from 'node:util';
import { Secret } from '../../config';
import { EngineAuthError, EngineRegistryAuth } from './registry-auth';

const docker = (data: object) => EngineRegistryAuth.parse('docker', new Secret(JSON.stringify(data)));

test('docker type: credentials are chosen by the image`s registry host', () => {
  const auth = docker({
    'https://index.docker.io/v1/': { username: 'hub', password: 'hubpw', email: 'me@example.com' },
    'registry.example.com:5000': { username: 'private', password: 'pw' },
  });
  expect(auth.forImage('busybox')).toEqual({ username: 'hub', password: 'hubpw', email: 'me@example.com', serveraddress: 'https://index.docker.io/v1/' });
  expect(auth.forImage('docker.io/library/busybox:1')).toMatchObject({ username: 'hub' });
  expect(auth.forImage('registry-1.docker.io/team/app')).toMatchObject({ username: 'hub' });
  expect(auth.forImage('registry.example.com:5000/app:2')).toEqual({ username: 'private', password: 'pw', serveraddress: 'registry.example.com:5000' });
  expect(auth.forImage('other.example.com/app')).toBeUndefined();
});

test('the longest key starting with the registry host wins', () => {
  const auth = docker({
    'registry.example.com': { username: 'short', password: 'a' },
    'http://registry.example.com/v2/': { username: 'long', password: 'b' },
  });
  expect(auth.forImage('registry.example.com/app')).toMatchObject({ username: 'long' });
  expect(auth.registries.sort()).toEqual(['registry.example.com', 'registry.example.com/v2/']);
});

test('dockercfg type: auth is base64 of user:password (a colon in the password survives)', () => {
  const auth = EngineRegistryAuth.parse(
    'dockercfg',
    new Secret(JSON.stringify({ '127.0.0.1:51671': { auth: Buffer.from('tester:pa:ss').toString('base64'), email: 'x@y' } })),
  );
  expect(auth.forImage('127.0.0.1:51671/busybox')).toEqual({ username: 'tester', password: 'pa:ss', email: 'x@y', serveraddress: '127.0.0.1:51671' });
});

test('no data means anonymous pulls', () => {
  expect(EngineRegistryAuth.parse(undefined, undefined).forImage('busybox')).toBeUndefined();
  expect(EngineRegistryAuth.parse('docker', new Secret('  ')).forImage('busybox')).toBeUndefined();
});

test('malformed data is refused naming the field, never echoing the secret', () => {
  const cases: Array<[Parameters<typeof EngineRegistryAuth.parse>[0], string, string]> = [
    ['docker', '{"reg": {"username": "u", "password": "hunter2"', 'ECS_ENGINE_AUTH_DATA: not valid JSON for ECS_ENGINE_AUTH_TYPE=docker'],
    ['docker', '["hunter2"]', 'ECS_ENGINE_AUTH_DATA: expected a JSON object of registries for ECS_ENGINE_AUTH_TYPE=docker'],
    ['docker', '{"reg": {"username": "u"}}', 'ECS_ENGINE_AUTH_DATA: registry "reg": "password" must be a string'],
    ['dockercfg', `{"reg": {"auth": "${Buffer.from('hunter2').toString('base64')}"}}`, 'ECS_ENGINE_AUTH_DATA: registry "reg": "auth" must be base64 of "user:password"'],
    [undefined, '{"reg": {"username": "u", "password": "hunter2"}}', 'ECS_ENGINE_AUTH_TYPE: expected "docker" or "dockercfg" with ECS_ENGINE_AUTH_DATA set, got ""'],
  ];
  for (const [type, data, message] of cases) {
    let error: unknown;
    try {
      EngineRegistryAuth.parse(type, new Secret(data));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineAuthError);
    expect((error as Error).message).toBe(message);
    expect(inspect(error)).not.toContain('hunter2');
  }
});
