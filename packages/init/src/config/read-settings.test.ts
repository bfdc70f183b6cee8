import { HostPaths } from '@fractal-ecs/common';
import { recordingLogger } from '../../test/recording-logger';
import { isValidInterfaceName } from './interface-name';
import { readInitSettings } from './read-settings';

const paths = new HostPaths('/tmp/root');

describe('readInitSettings', () => {
  it('defaults everything from an empty environment', () => {
    const { log, records } = recordingLogger();
    expect(readInitSettings({}, paths, log)).toEqual({
      paths,
      agentImage: 'amazon/amazon-ecs-agent:latest',
      agentContainerName: 'ecs-agent',
      dockerSocket: '/var/run/docker.sock',
      dockerHostEnv: undefined,
      skipLocalhostTrafficFilter: false,
      allowOffhostIntrospectionAccess: false,
      offhostIntrospectionInterface: undefined,
      logConfig: { Type: 'json-file', Config: { 'max-size': '16m', 'max-file': '4' } },
      external: false,
      runPrivileged: false,
      pidNamespaceHost: false,
      logLevel: 'info',
      credentialsFetcherSocket: '/var/credentials-fetcher/socket/credentials_fetcher.sock',
    });
    expect(records).toEqual([]);
  });

  it('reads the fork overrides, sockets and Go booleans', () => {
    const { log, records } = recordingLogger();
    const settings = readInitSettings(
      {
        ECS_INIT_AGENT_IMAGE: 'fractal/agent:dev',
        ECS_INIT_AGENT_CONTAINER_NAME: 'fractal-agent',
        DOCKER_HOST: 'unix:///run/user/docker.sock',
        CREDENTIALS_FETCHER_HOST: 'unix:///run/cf.sock',
        ECS_SKIP_LOCALHOST_TRAFFIC_FILTER: 'T',
        ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS: '1',
        ECS_OFFHOST_INTROSPECTION_INTERFACE_NAME: 'ens5',
        ECS_EXTERNAL: 'TRUE',
        ECS_AGENT_RUN_PRIVILEGED: 'true',
        ECS_AGENT_PID_NAMESPACE_HOST: 'True',
        ECS_LOGLEVEL: 'DEBUG',
      },
      paths,
      log,
    );
    expect(settings).toMatchObject({
      agentImage: 'fractal/agent:dev',
      agentContainerName: 'fractal-agent',
      dockerSocket: '/run/user/docker.sock',
      dockerHostEnv: 'unix:///run/user/docker.sock',
      credentialsFetcherSocket: '/run/cf.sock',
      skipLocalhostTrafficFilter: true,
      allowOffhostIntrospectionAccess: true,
      offhostIntrospectionInterface: 'ens5',
      external: true,
      runPrivileged: true,
      pidNamespaceHost: true,
      logLevel: 'debug',
    });
    expect(records).toEqual([]);
  });

  it('ignores a TCP DOCKER_HOST for the socket', () => {
    const { log } = recordingLogger();
    expect(readInitSettings({ DOCKER_HOST: 'tcp://1.2.3.4:2375' }, paths, log).dockerSocket).toBe('/var/run/docker.sock');
  });

  it('logs invalid booleans with name and value and keeps the default', () => {
    const { log, messages } = recordingLogger();
    const settings = readInitSettings({ ECS_SKIP_LOCALHOST_TRAFFIC_FILTER: 'yes', ECS_EXTERNAL: 'on' }, paths, log);
    expect(settings.skipLocalhostTrafficFilter).toBe(false);
    expect(settings.external).toBe(false);
    expect(messages('error')).toEqual([
      'Failed to parse value for ECS_SKIP_LOCALHOST_TRAFFIC_FILTER [yes]: not a boolean (true/false/1/0/t/f). Default it to false.',
      'Failed to parse value for ECS_EXTERNAL [on]: not a boolean (true/false/1/0/t/f). Default it to false.',
    ]);
  });

  it('logs an invalid interface name and falls back to every interface', () => {
    const { log, messages } = recordingLogger();
    const settings = readInitSettings({ ECS_OFFHOST_INTROSPECTION_INTERFACE_NAME: 'eth0:1' }, paths, log);
    expect(settings.offhostIntrospectionInterface).toBeUndefined();
    expect(messages('error')).toEqual([
      'ECS_OFFHOST_INTROSPECTION_INTERFACE_NAME interface name is invalid, falling back to default: "eth0:1"',
    ]);
  });

  it('logs an unknown log level and stays at info', () => {
    const { log, messages } = recordingLogger();
    expect(readInitSettings({ ECS_LOGLEVEL: 'verbose' }, paths, log).logLevel).toBe('info');
    expect(messages('error')).toEqual(['log level mapping not found: ECS_LOGLEVEL=verbose, using info']);
  });
});

describe('isValidInterfaceName', () => {
  it.each(['eth0', 'ens5', 'docker0', 'a', 'x'.repeat(15), 'br-1a2b3c4d5e6f'])('accepts %s', (name) =>
    expect(isValidInterfaceName(name)).toBe(true),
  );
  it.each(['', '.', '..', 'x'.repeat(16), 'eth0:1', 'a/b', 'eth 0', 'eth\t0', 'éééééééé'])('rejects %j', (name) =>
    expect(isValidInterfaceName(name)).toBe(false),
  );
});
