import { existsSync } from 'node:fs';
import path from 'node:path';
import { fakeEngine } from '../../test/engine-fakes';
import { TerminalError } from './errors';

const NETFILTER = {
  skipLocalhostTrafficFilter: false,
  allowOffhostIntrospectionAccess: false,
  offhostIntrospectionInterface: undefined,
};

describe('Engine.preStart', () => {
  it('sets up the host in upstream order and does nothing more when cached and loaded', async () => {
    const t = fakeEngine();
    t.docker.imageLoaded = true;
    await t.engine.preStart();
    expect(t.calls).toEqual([
      'connectDocker',
      'docker.defaultBridgeName',
      'sysctl.enableLoopbackRouting',
      'sysctl.disableRouterAdvertisements',
      `iptables.create ${JSON.stringify({ ...NETFILTER, bridgeName: 'docker0' })}`,
      'docker.isImageLoaded amazon/amazon-ecs-agent:latest',
      'cache.status',
    ]);
    expect(t.messages('info')).toEqual([
      'pre-start: enabling loopback routing',
      'pre-start: disabling ipv6 router advertisements',
      'pre-start: creating credentials proxy route',
      'pre-start: checking ecs agent container image loaded presence',
      'pre-start: ecs agent container image loaded presence: true',
    ]);
  });

  it('sets up GPUs first when ecs.config enables GPU support, and fails pre-start when that fails', async () => {
    const t = fakeEngine({}, undefined, { loadAgentConfig: async () => ({ ECS_ENABLE_GPU_SUPPORT: 'true' }) });
    t.docker.imageLoaded = true;
    await t.engine.preStart();
    expect(t.calls.slice(0, 3)).toEqual(['connectDocker', 'gpu.setup', 'docker.defaultBridgeName']);
    expect(t.messages('info').slice(0, 2)).toEqual(['pre-start: setting up GPUs', 'pre-start: done setting up GPUs']);

    const failing = fakeEngine({}, undefined, { loadAgentConfig: async () => ({ ECS_ENABLE_GPU_SUPPORT: 'true' }) });
    failing.failures['gpu.setup'] = new Error('setup failed: nvidia-smi is not on PATH');
    await expect(failing.engine.preStart()).rejects.toThrow('Nvidia GPU Manager: setup failed: nvidia-smi is not on PATH');
    expect(failing.calls).not.toContain('sysctl.enableLoopbackRouting');
  });

  it('leaves GPUs alone unless ecs.config says exactly "true"', async () => {
    const t = fakeEngine({ ECS_ENABLE_GPU_SUPPORT: 'true' }, undefined, { loadAgentConfig: async () => ({ ECS_ENABLE_GPU_SUPPORT: 'TRUE' }) });
    t.docker.imageLoaded = true;
    await t.engine.preStart();
    expect(t.calls).not.toContain('gpu.setup');
  });

  it('creates the EBS mount directory under the root', async () => {
    const t = fakeEngine();
    t.docker.imageLoaded = true;
    await t.engine.preStart();
    // The settings root is a fresh temp dir.
    const root = (t.engine as unknown as { deps: { settings: { paths: { root: string } } } }).deps.settings.paths.root;
    expect(existsSync(path.join(root, 'mnt/ecs/ebs'))).toBe(true);
  });

  it('passes the netfilter settings and no bridge when Docker has none', async () => {
    const t = fakeEngine({ ECS_SKIP_LOCALHOST_TRAFFIC_FILTER: 'true', ECS_OFFHOST_INTROSPECTION_INTERFACE_NAME: 'ens5' });
    t.docker.bridgeName = undefined;
    t.docker.imageLoaded = true;
    await t.engine.preStart();
    expect(t.calls).toContain(
      `iptables.create ${JSON.stringify({ ...NETFILTER, skipLocalhostTrafficFilter: true, offhostIntrospectionInterface: 'ens5' })}`,
    );
    expect(t.messages('info')).toContain('No docker bridge network found, skipping bridge-specific iptables rules');
  });

  it('loads the cached agent when it is not in Docker, then records state 1', async () => {
    const t = fakeEngine();
    await t.engine.preStart();
    expect(t.calls.slice(-4)).toEqual([
      'cache.status',
      'cache.openCachedAgent',
      'docker.loadImage cached-tar',
      'cache.recordCachedAgent',
    ]);
    expect(t.messages('info')).toContain('pre-start: loading cached agent');
  });

  it('reloads the cached agent on state 2 even when Docker has the image', async () => {
    const t = fakeEngine();
    t.cache.state = 2;
    t.docker.imageLoaded = true;
    await t.engine.preStart();
    expect(t.docker.loaded).toEqual(['cached-tar']);
    expect(t.cache.state).toBe(1);
    expect(t.messages('info')).toContain('pre-start: reloading agent');
  });

  it('downloads (falls back on the packaged tarball) then loads when uncached', async () => {
    const t = fakeEngine();
    t.cache.state = 0;
    t.docker.imageLoaded = true;
    await t.engine.preStart();
    expect(t.calls.slice(-5)).toEqual([
      'cache.status',
      'cache.downloadAgent',
      'cache.openCachedAgent',
      'docker.loadImage cached-tar',
      'cache.recordCachedAgent',
    ]);
  });

  it('fails when uncached and nothing can be downloaded', async () => {
    const t = fakeEngine();
    t.cache.state = 0;
    t.cache.downloadError = new Error('no cached agent image at /x and downloads are not implemented');
    await expect(t.engine.preStart()).rejects.toThrow(
      'could not download Amazon Elastic Container Service Agent: no cached agent image at /x and downloads are not implemented',
    );
  });

  it.each([3, 255])('rejects cache state %d', async (state) => {
    const t = fakeEngine();
    t.cache.state = state;
    await expect(t.engine.preStart()).rejects.toThrow('could not handle cache state');
  });

  it.each([
    ['sysctl.enableLoopbackRouting', 'could not enable loopback routing: boom'],
    ['sysctl.disableRouterAdvertisements', 'could not disable ipv6 router advertisements: boom'],
    ['iptables.create', 'could not create route to the credentials proxy: boom'],
  ])('stops at a failing %s', async (step, message) => {
    const t = fakeEngine();
    t.failures[step] = new Error('boom');
    await expect(t.engine.preStart()).rejects.toThrow(message);
    expect(t.calls[t.calls.length - 1]).toContain(step);
  });

  it('fails clearly without Docker', async () => {
    const t = fakeEngine();
    t.setDockerReachable(false);
    await expect(t.engine.preStart()).rejects.toThrow('could not create docker client: connect ENOENT /var/run/docker.sock');
  });

  it('reports a failed load', async () => {
    const t = fakeEngine();
    t.docker.loadError = new Error('docker load failed: bad layer');
    await expect(t.engine.preStart()).rejects.toThrow(
      'could not load Amazon Elastic Container Service Agent into Docker: docker load failed: bad layer',
    );
    expect(t.calls).not.toContain('cache.recordCachedAgent');
  });
});

describe('Engine.startSupervised', () => {
  it('removes the old container, runs the agent and returns on exit 0', async () => {
    const t = fakeEngine();
    t.docker.existingContainer = 'old';
    t.docker.exitCodes = [0];
    await t.engine.startSupervised();
    expect(t.calls).toEqual([
      'connectDocker',
      'docker.findContainer ecs-agent',
      'docker.removeContainer old',
      'docker.createAndStart ecs-agent',
      'docker.wait c1',
    ]);
    expect(t.messages('info')).toEqual([
      'Removing existing agent container ID: old',
      'Starting Amazon Elastic Container Service Agent',
      'Agent exited with code 0',
    ]);
    expect(t.docker.created[0]!.env).toContain('ECS_CLUSTER=test');
  });

  it('restarts with a growing backoff that is never reset, until exit 0', async () => {
    const t = fakeEngine();
    t.docker.exitCodes = [1, 137, 143, 1, 0];
    await t.engine.startSupervised();
    expect(t.clock.sleeps).toEqual([500, 1000, 2000, 4000]);
    expect(t.docker.created).toHaveLength(5);
    expect(t.messages('warn')).toEqual([
      'ECS Agent failed to start, retrying in 500ms',
      'ECS Agent failed to start, retrying in 1s',
      'ECS Agent failed to start, retrying in 2s',
      'ECS Agent failed to start, retrying in 4s',
    ]);
    // Each run first removes the previous, exited container.
    expect(t.calls.filter((c) => c.startsWith('docker.removeContainer'))).toEqual([
      'docker.removeContainer c1',
      'docker.removeContainer c2',
      'docker.removeContainer c3',
      'docker.removeContainer c4',
    ]);
  });

  it('throws TerminalError on exit 5', async () => {
    const t = fakeEngine();
    t.docker.exitCodes = [1, 5];
    const err = await t.engine.startSupervised().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TerminalError);
    expect((err as Error).message).toBe('agent exited with terminal exit code: 5');
    expect(t.clock.sleeps).toEqual([500]);
  });

  it('captures the container log tail on exit 2, then backs off', async () => {
    const t = fakeEngine();
    t.docker.exitCodes = [2, 0];
    t.docker.logs = '2024-01-01T00:00:00Z fatal: no cluster\n';
    await t.engine.startSupervised();
    const tail = t.calls.indexOf('docker.logTail c1 200');
    expect(tail).toBeGreaterThan(0);
    expect(t.calls[tail + 1]).toBe('clock.sleep 500');
    const info = t.messages('info');
    const start = info.indexOf('Captured the last 200 lines of the agent container logs====>\n');
    expect(info.slice(start, start + 3)).toEqual([
      'Captured the last 200 lines of the agent container logs====>\n',
      '2024-01-01T00:00:00Z fatal: no cluster\n',
      '<====end 200 lines of the failed agent container logs\n',
    ]);
  });

  it('loads the desired image on exit 42 and restarts at once', async () => {
    const t = fakeEngine();
    t.docker.exitCodes = [42, 0];
    await t.engine.startSupervised();
    const wait = t.calls.indexOf('docker.wait c1');
    expect(t.calls.slice(wait + 1, wait + 5)).toEqual([
      'cache.openDesiredAgent',
      'docker.loadImage desired-tar',
      'cache.recordCachedAgent',
      'docker.findContainer ecs-agent',
    ]);
    expect(t.clock.sleeps).toEqual([]);
    expect(t.messages('info')).toContain('Loading new desired Amazon Elastic Container Service Agent into Docker');
  });

  it('logs a failed upgrade and restarts the old image after the backoff', async () => {
    const t = fakeEngine();
    t.docker.exitCodes = [42, 42, 0];
    t.cache.desiredError = new Error('ENOENT: desired-image');
    await t.engine.startSupervised();
    expect(t.messages('error')).toEqual([
      'could not upgrade agent: ENOENT: desired-image',
      'could not upgrade agent: ENOENT: desired-image',
    ]);
    expect(t.clock.sleeps).toEqual([500, 1000]);
    expect(t.calls).not.toContain('cache.recordCachedAgent');
  });

  it('logs a failed load of the desired image and backs off', async () => {
    const t = fakeEngine();
    t.docker.exitCodes = [42, 0];
    t.docker.loadError = new Error('docker load failed: bad');
    await t.engine.startSupervised();
    expect(t.messages('error')).toEqual(['could not upgrade agent: docker load failed: bad']);
    expect(t.clock.sleeps).toEqual([500]);
  });

  it('fails when the container cannot be created', async () => {
    const t = fakeEngine();
    t.docker.createError = new Error('No such image: amazon/amazon-ecs-agent:latest');
    await expect(t.engine.startSupervised()).rejects.toThrow(
      'could not start Agent: No such image: amazon/amazon-ecs-agent:latest',
    );
  });

  it('stops the running agent and returns when aborted', async () => {
    const t = fakeEngine();
    const abort = new AbortController();
    const running = t.engine.startSupervised(abort.signal);
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.calls[t.calls.length - 1]).toBe('docker.wait c1');
    abort.abort();
    await running;
    expect(t.calls.slice(-1)).toEqual(['docker.stop c1 10']);
    expect(t.docker.created).toHaveLength(1);
  });

  it('does not restart after an abort during the backoff sleep', async () => {
    const t = fakeEngine();
    const abort = new AbortController();
    t.docker.exitCodes = [1];
    t.clock.sleep = async (ms) => {
      t.calls.push(`clock.sleep ${ms}`);
      abort.abort();
    };
    await t.engine.startSupervised(abort.signal);
    expect(t.docker.created).toHaveLength(1);
    expect(t.calls[t.calls.length - 1]).toBe('clock.sleep 500');
  });
});

describe('Engine.preStop', () => {
  it('stops the agent container with a 10 s timeout', async () => {
    const t = fakeEngine({ ECS_INIT_AGENT_CONTAINER_NAME: 'fork-agent' });
    t.docker.existingContainer = 'abc';
    await t.engine.preStop();
    expect(t.calls).toEqual(['connectDocker', 'docker.findContainer fork-agent', 'docker.stop abc 10']);
    expect(t.messages('info')).toEqual(['Stopping Amazon Elastic Container Service Agent']);
  });

  it('succeeds when there is no agent container', async () => {
    const t = fakeEngine();
    await t.engine.preStop();
    expect(t.messages('info')).toEqual(['Stopping Amazon Elastic Container Service Agent', 'No running Agent to stop']);
    expect(t.calls).not.toContain('docker.stop');
  });

  it.each([
    ['not-running', 'Agent is already stopped'],
    ['not-found', 'No running Agent to stop'],
  ] as const)('succeeds when the stop finds the agent %s', async (outcome, message) => {
    const t = fakeEngine();
    t.docker.existingContainer = 'abc';
    t.docker.stopOutcome = outcome;
    await t.engine.preStop();
    expect(t.messages('info')).toContain(message);
  });

  it('fails on other stop errors', async () => {
    const t = fakeEngine();
    t.docker.existingContainer = 'abc';
    t.docker.stopOutcome = new Error('(HTTP code 500) server error');
    await expect(t.engine.preStop()).rejects.toThrow(
      'could not stop Amazon Elastic Container Service Agent: (HTTP code 500) server error',
    );
  });
});

describe('Engine.postStop', () => {
  it('restores loopback routing and removes the rules without touching Docker', async () => {
    const t = fakeEngine({ ECS_SKIP_LOCALHOST_TRAFFIC_FILTER: 'true' });
    t.setDockerReachable(false);
    await t.engine.postStop();
    expect(t.calls).toEqual([
      'sysctl.restoreLoopbackRouting',
      `iptables.remove ${JSON.stringify({ ...NETFILTER, skipLocalhostTrafficFilter: true })}`,
    ]);
    expect(t.messages('info')).toEqual([
      'Cleaning up the credentials endpoint setup for Amazon Elastic Container Service Agent',
    ]);
  });

  it('ignores rule removal errors', async () => {
    const t = fakeEngine();
    t.failures['iptables.remove'] = new Error('iptables: Bad rule');
    await t.engine.postStop();
    expect(t.messages('warn')).toEqual(['could not remove the credentials proxy route: iptables: Bad rule']);
  });

  it('fails when loopback routing cannot be restored, after still removing the rules', async () => {
    const t = fakeEngine();
    t.failures['sysctl.restoreLoopbackRouting'] = new Error('sysctl: permission denied');
    await expect(t.engine.postStop()).rejects.toThrow('could not restore loopback routing: sysctl: permission denied');
    expect(t.calls[1]).toMatch(/^iptables.remove/);
  });
});

describe('Engine.reloadCache', () => {
  it('loads the cached tarball and records it', async () => {
    const t = fakeEngine();
    await t.engine.reloadCache();
    expect(t.calls).toEqual([
      'connectDocker',
      'cache.isCached',
      'cache.openCachedAgent',
      'docker.loadImage cached-tar',
      'cache.recordCachedAgent',
    ]);
  });

  it('downloads first when nothing is cached', async () => {
    const t = fakeEngine();
    t.cache.state = 0;
    await t.engine.reloadCache();
    expect(t.calls.slice(1, 3)).toEqual(['cache.isCached', 'cache.downloadAgent']);
    expect(t.cache.state).toBe(1);
  });
});
