import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AgentConfigError, loadAgentConfig, readConfigFileFromDisk, type LoadedAgentConfig } from './index';

// The JSON config file at ECS_AGENT_CONFIG_FILE_PATH (reference §1.2), read from real temp files.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'agent-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function withFile(contents: string, env: Record<string, string> = {}, userData?: string): LoadedAgentConfig {
  const file = path.join(dir, 'ecs.config.json');
  writeFileSync(file, contents);
  return loadAgentConfig({ env: { ECS_AGENT_CONFIG_FILE_PATH: file, ...env }, readFile: readConfigFileFromDisk, userData });
}

function fileError(contents: string, env: Record<string, string> = {}): AgentConfigError {
  try {
    withFile(contents, env);
  } catch (error) {
    if (error instanceof AgentConfigError) return error;
    throw error;
  }
  throw new Error('expected an AgentConfigError');
}

describe('precedence: defaults < file < environment', () => {
  it('takes each field from the environment first, then the file, then the default', () => {
    const { config, warnings } = withFile('{"Cluster":"from-file","ReservedMemory":32,"DockerEndpoint":"unix:///file.sock"}', {
      ECS_CLUSTER: 'from-env',
      DOCKER_HOST: 'unix:///env.sock',
    });
    expect(warnings).toEqual([]);
    expect(config.cluster.name).toBe('from-env');
    expect(config.docker.endpoint).toBe('unix:///env.sock');
    expect(config.resources.reservedMemoryMiB).toBe(32);
    expect(config.containers.stopTimeoutMs).toBe(30_000);
  });

  it('applies bounds to file values as to environment values', () => {
    const { config, warnings } = withFile('{"TaskCleanupWaitDuration":30000000000,"ImageCleanupInterval":60000000000}');
    expect(config.tasks.cleanupWaitMs).toBe(10_800_000);
    expect(config.images.cleanup.intervalMs).toBe(1_800_000);
    expect(warnings).toEqual([
      expect.stringContaining('ECS_IMAGE_CLEANUP_INTERVAL (config key ImageCleanupInterval) 1m0s is below the minimum 10m0s'),
      expect.stringContaining('ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION (config key TaskCleanupWaitDuration) 30s is below the minimum 1m0s'),
    ]);
  });

  it('EC2 user data comes after the file', () => {
    const { config } = withFile('{"ReservedMemory":32}', {}, '{"ECSAgentConfiguration":{"Cluster":"from-user-data","ReservedMemory":64}}');
    expect(config.cluster.name).toBe('from-user-data');
    expect(config.resources.reservedMemoryMiB).toBe(32);
  });

  it('user data that is not configuration is silently not used', () => {
    expect(withFile('', {}, '#!/bin/bash\necho ECS_CLUSTER=x >> /etc/ecs/ecs.config')).toMatchObject({
      config: { cluster: { name: undefined } },
      warnings: [],
    });
  });

  it('user data configuration with a bad value is ignored whole, with a warning, not fatal', () => {
    const { config, warnings } = withFile('', {}, '{"ECSAgentConfiguration":{"Cluster":"x","ReservedMemory":"lots"}}');
    expect(config.cluster.name).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('"ReservedMemory" must be an integer from 0 to 65535, got "lots"')]);
  });
});

describe('file keys and values', () => {
  it('matches upstream field names case-insensitively', () => {
    expect(withFile('{"cluster":"lower","RESERVEDMEMORY":16}').config).toMatchObject({
      cluster: { name: 'lower' },
      resources: { reservedMemoryMiB: 16 },
    });
  });

  it('takes durations as integer nanoseconds', () => {
    const { config } = withFile(
      '{"TaskCleanupWaitDuration":600000000000,"DockerStopTimeout":10000000000,"ImagePullTimeout":3600000000000}',
    );
    expect(config.tasks.cleanupWaitMs).toBe(600_000);
    expect(config.containers.stopTimeoutMs).toBe(10_000);
    expect(config.images.pullTimeoutMs).toBe(3_600_000);
  });

  it('takes enums as upstream\'s integers', () => {
    expect(withFile('{"ImagePullBehavior":3,"ContainerInstancePropagateTagsFrom":1}').config).toMatchObject({
      images: { pullBehavior: 'prefer-cached' },
      cluster: { propagateTagsFrom: 'ec2_instance' },
    });
  });

  it('keeps EngineAuthData as JSON text', () => {
    const { config } = withFile('{"EngineAuthType":"docker","EngineAuthData":{"https://index.docker.io/v1/":{"username":"u","password":"p"}}}');
    expect(JSON.parse(config.docker.authData!.reveal())).toEqual({ 'https://index.docker.io/v1/': { username: 'u', password: 'p' } });
  });

  it('copies the deprecated ClusterArn into the cluster, with a warning', () => {
    const { config, warnings } = withFile('{"ClusterArn":"arn:aws:ecs:us-west-2:123456789012:cluster/prod"}');
    expect(config.cluster.name).toBe('arn:aws:ecs:us-west-2:123456789012:cluster/prod');
    expect(warnings).toEqual([expect.stringContaining('ClusterArn')]);
  });

  it('warns about keys it does not know, and about keys upstream only takes from the environment', () => {
    const { warnings } = withFile('{"Clutser":"typo","CgroupCPUPeriod":10000000}');
    expect(warnings).toEqual([
      expect.stringContaining('unknown key "Clutser"'),
      expect.stringContaining('"CgroupCPUPeriod" is ignored; upstream only takes it from ECS_CGROUP_CPU_PERIOD'),
    ]);
  });

  it.each(['', '   \n', 'null'])('an empty file (%j) is no configuration', (contents) => {
    expect(withFile(contents)).toMatchObject({ config: { cluster: { name: undefined } }, warnings: [] });
  });

  it('a missing file is not an error', () => {
    const env = { ECS_AGENT_CONFIG_FILE_PATH: path.join(dir, 'absent.json'), ECS_CLUSTER: 'c' };
    expect(loadAgentConfig({ env, readFile: readConfigFileFromDisk })).toMatchObject({ config: { cluster: { name: 'c' } }, warnings: [] });
  });

  it('reads /etc/ecs_container_agent/config.json when ECS_AGENT_CONFIG_FILE_PATH is unset', () => {
    const read: string[] = [];
    loadAgentConfig({ env: {}, readFile: (file) => (read.push(file), undefined) });
    expect(read).toEqual(['/etc/ecs_container_agent/config.json']);
  });
});

describe('a bad file stops the agent with an error naming it, keeping env and defaults', () => {
  it('malformed JSON', () => {
    const error = fileError('{\n  "Cluster": "from-file",\n  "ReservedMemory": 32,\n}', { ECS_LOGLEVEL: 'debug', ECS_RESERVED_PORTS: '[22]' });
    expect(error.problems).toEqual([expect.stringContaining(path.join(dir, 'ecs.config.json'))]);
    expect(error.problems[0]).toMatch(/not valid JSON \(line 4, column 1\)/);
    expect(error.config.cluster.name).toBeUndefined();
    expect(error.config.resources).toEqual({ reservedPorts: [22], reservedPortsUdp: [], reservedMemoryMiB: 0 });
    expect(error.config.logging.level).toBe('debug');
  });

  it('a value of the wrong type, naming the key and the value, and applying none of the file', () => {
    const error = fileError('{"Cluster":"from-file","ReservedMemory":"32"}');
    expect(error.problems).toEqual([expect.stringContaining('"ReservedMemory" must be an integer from 0 to 65535, got "32"')]);
    expect(error.config.cluster.name).toBeUndefined();
  });

  it.each([
    ['{"ImagePullBehavior":"always"}', '"ImagePullBehavior" must be 0 (default), 1 (always), 2 (once), 3 (prefer-cached)'],
    ['{"TaskCleanupWaitDuration":"3h"}', 'integer number of nanoseconds'],
    ['{"PrivilegedDisabled":"true"}', 'true, false or null'],
    ['{"AWSVPCAdditionalLocalRoutes":["10.0.0.0"]}', 'CIDRs'],
    ['["Cluster"]', 'must be a JSON object'],
  ])('%s', (contents, message) => {
    expect(fileError(contents).problems[0]).toContain(message);
  });

  it.each([
    ['DockerStopTimeout', 500_000_000, 'ECS_CONTAINER_STOP_TIMEOUT (config key DockerStopTimeout) 500ms is below the minimum 1s', 'stopTimeoutMs', 30_000],
    ['ContainerStartTimeout', 30_000_000_000, 'ECS_CONTAINER_START_TIMEOUT (config key ContainerStartTimeout) 30s is below the minimum 45s', 'startTimeoutMs', 180_000],
  ] as const)('%s below its minimum is fatal, as upstream', (key, nanoseconds, message, field, fallback) => {
    const error = fileError(`{"${key}":${nanoseconds}}`);
    expect(error.problems).toEqual([message]);
    expect(error.config.containers[field]).toBe(fallback);
  });

  it('an unknown logging driver in the file', () => {
    expect(fileError('{"AvailableLoggingDrivers":["json-file","loki"]}').problems[0]).toContain('Invalid logging drivers: loki');
  });

  it('a path that cannot be read (a directory)', () => {
    const sub = path.join(dir, 'conf.d');
    mkdirSync(sub);
    let caught: unknown;
    try {
      loadAgentConfig({ env: { ECS_AGENT_CONFIG_FILE_PATH: sub }, readFile: readConfigFileFromDisk });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AgentConfigError);
    expect((caught as AgentConfigError).problems[0]).toContain(`cannot read the config file ${sub}`);
  });
});
