import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { HostPaths, systemClock } from '@fractal-ecs/common';
import { recordingLogger } from '../../test/recording-logger';
import { buildStandInImage, removeTestArtifacts, saveImage, TEST_LABEL } from '../../test/stand-in-images';
import { DiskAgentImageCache } from '../cache';
import { loadEcsConfigFiles, readInitSettings } from '../config';
import { connectDocker } from '../docker';
import { Engine } from './engine';
import { TerminalError } from './errors';
import { probeHost } from './host-facts';

// Per test: image builds and container runs take seconds, not jest's default 5.
const TIMEOUT = 30_000;

const SOCKET = '/var/run/docker.sock';
const docker = new Dockerode({ socketPath: SOCKET });
const RUN = `init-engine-${process.pid}-${Date.now()}`;
const roots: string[] = [];
const tags: string[] = [];
let counter = 0;

/** One isolated ecs-init: its own root, agent image name and container name; real Docker. */
function harness(ecsConfig: string) {
  counter += 1;
  const id = `${RUN}-${counter}`;
  const root = mkdtempSync(path.join(tmpdir(), 'ecs-init-it-'));
  roots.push(root);
  const paths = new HostPaths(root);
  for (const dir of [paths.etcEcs, paths.cacheDir, paths.dataDir, paths.logDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(paths.userConfig, ecsConfig);
  const image = `fractal-ecs-test/agent-${id}:latest`;
  tags.push(image);
  const recorder = recordingLogger();
  const env = { ECS_INIT_AGENT_IMAGE: image, ECS_INIT_AGENT_CONTAINER_NAME: `fractal-ecs-test-${id}` };
  const settings = readInitSettings(env, paths, recorder.log);
  const netfilterCalls: unknown[] = [];
  const makeEngine = () =>
    new Engine({
      settings,
      log: recorder.log,
      clock: systemClock,
      connectDocker: () => connectDocker({ socketPath: SOCKET, clock: systemClock, log: recorder.log }),
      cache: new DiskAgentImageCache(paths, recorder.log),
      // Host networking has its own netns tests; here it must not touch the machine.
      loopbackRouting: { enable: async () => {}, restoreDefault: async () => {} },
      routerAdvertisements: { disable: async () => {} },
      credentialsProxyRoute: {
        create: async (s) => void netfilterCalls.push(s),
        remove: async (s) => void netfilterCalls.push(s),
      },
      nvidiaGpus: { setup: async () => {} },
      loadAgentConfig: () => loadEcsConfigFiles(paths, recorder.log),
      probeHost: () => probeHost(paths, settings.credentialsFetcherSocket),
      restartBackoff: { min: 10, max: 40, jitter: 0.1, multiple: 2 },
    });
  return {
    paths,
    image,
    containerName: settings.agentContainerName,
    engine: makeEngine(),
    makeEngine,
    netfilterCalls,
    ...recorder,
    runs: () => Number(readFileSync(path.join(paths.dataDir, 'runs'), 'utf8').trim()),
    versions: () => readFileSync(path.join(paths.dataDir, 'versions'), 'utf8').trim().split('\n'),
    inspect: async (name: string) => {
      const [summary] = await docker.listContainers({ all: true, filters: { name: [name] } });
      return docker.getContainer(summary!.Id).inspect();
    },
  };
}

/** Until the stand-in has counted its run: by then its SIGTERM trap is set. */
async function waitForAgentRun(dataDir: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (existsSync(path.join(dataDir, 'runs'))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the stand-in agent never ran (no ${dataDir}/runs)`);
}

afterAll(async () => {
  await removeTestArtifacts(docker, RUN, tags);
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('start against the real Docker engine', () => {
  it('restarts a failing agent until it exits 0, with the configured container', async () => {
    const h = harness(
      [
        '# stand-in: fail twice, then stop cleanly',
        'STAND_IN_PLAN=1 1 0',
        'ECS_CLUSTER=integration',
        'QUOTED="a b"=c',
        'ECS_AGENT_LABELS={"team":"infra"}',
        'not a setting',
      ].join('\n'),
    );
    await buildStandInImage(docker, h.image, RUN, 'a');
    await h.engine.startSupervised();

    expect(h.runs()).toBe(3);
    expect(h.messages('warn').filter((m) => m.startsWith('ECS Agent failed to start, retrying in'))).toHaveLength(2);
    expect(h.messages('info').filter((m) => m.startsWith('Removing existing agent container ID:'))).toHaveLength(2);
    // ecs.config is re-read for every start, so edits apply on restart; so is its error.
    expect(new Set(h.messages('error'))).toEqual(
      new Set([`${h.paths.userConfig}:6: ignoring malformed line "not a setting" (no "="), expected KEY=VALUE`]),
    );

    const container = await h.inspect(h.containerName);
    expect(container.Name).toBe(`/${h.containerName}`);
    expect(container.State.ExitCode).toBe(0);
    expect(container.Config.Env).toEqual(
      expect.arrayContaining([
        'ECS_CLUSTER=integration',
        'QUOTED="a b"=c',
        'ECS_DATADIR=/data',
        'ECS_LOGFILE=/log/ecs-agent.log',
        'ECS_UPDATE_DOWNLOAD_DIR=/var/cache/ecs',
        'ECS_ENABLE_TASK_ENI=true',
        // pre-start did not run, so there is no EBS mount directory.
        'ECS_EBSTA_SUPPORTED=false',
      ]),
    );
    expect(container.Config.Labels).toEqual({ team: 'infra', [TEST_LABEL]: RUN });
    const root = h.paths.root;
    expect(container.HostConfig.Binds).toEqual(
      expect.arrayContaining([
        '/var/run:/var/run',
        `${root}/var/log/ecs:/log`,
        `${root}/var/lib/ecs/data:/data`,
        `${root}/etc/ecs:/etc/ecs`,
        `${root}/var/cache/ecs:/var/cache/ecs`,
        `${root}/var/lib/ecs:/var/lib/ecs`,
        '/proc:/host/proc:ro',
        '/sbin:/host/sbin:ro',
      ]),
    );
    expect(container.HostConfig).toMatchObject({
      NetworkMode: 'host',
      UsernsMode: 'host',
      CapAdd: expect.arrayContaining(['NET_ADMIN', 'SYS_ADMIN']),
      Init: true,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '16m', 'max-file': '4' } },
    });
  }, TIMEOUT);

  it('stops for good with TerminalError when the agent exits 5', async () => {
    const h = harness('STAND_IN_PLAN=5\n');
    await buildStandInImage(docker, h.image, RUN, 'a');
    await expect(h.engine.startSupervised()).rejects.toBeInstanceOf(TerminalError);
    expect(h.runs()).toBe(1);
  }, TIMEOUT);

  it('captures the container log tail when the agent exits 2', async () => {
    const h = harness('STAND_IN_PLAN=2 0\nSTAND_IN_LINES=3\n');
    await buildStandInImage(docker, h.image, RUN, 'a');
    await h.engine.startSupervised();
    expect(h.runs()).toBe(2);
    const info = h.messages('info');
    const start = info.indexOf('Captured the last 200 lines of the agent container logs====>\n');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(info[start + 1]).toMatch(/^\S+Z stand-in log line 1\n\S+Z stand-in log line 2\n\S+Z stand-in log line 3\n$/);
    expect(info[start + 2]).toBe('<====end 200 lines of the failed agent container logs\n');
  }, TIMEOUT);

  it('loads the desired image on exit 42 and runs it', async () => {
    const h = harness('STAND_IN_PLAN=42 0\n');
    // The update: same tag, version "b", saved into the cache dir as the agent would download it.
    await buildStandInImage(docker, h.image, RUN, 'b');
    await saveImage(docker, h.image, path.join(h.paths.cacheDir, 'f00d.ecs-update.tar'));
    await docker.getImage(h.image).remove({ force: true });
    writeFileSync(h.paths.desiredImage, 'f00d.ecs-update.tar\n');
    await buildStandInImage(docker, h.image, RUN, 'a');

    await h.engine.startSupervised();
    expect(h.versions()).toEqual(['a', 'b']);
    expect(readFileSync(h.paths.cacheState, 'utf8')).toBe('1');
    expect(h.messages('warn')).toEqual([]);
  }, TIMEOUT);

  it('stops the agent for the stop verb, and then finds it already stopped', async () => {
    const h = harness('ECS_CLUSTER=idle\n');
    await buildStandInImage(docker, h.image, RUN, 'a');
    const supervising = h.engine.startSupervised();
    await waitForAgentRun(h.paths.dataDir);

    await h.makeEngine().preStop();
    await supervising;
    expect((await h.inspect(h.containerName)).State.ExitCode).toBe(0);

    await h.makeEngine().preStop();
    expect(h.messages('info')).toContain('Agent is already stopped');
  }, TIMEOUT);

  it('stops the agent and returns when start is signalled', async () => {
    const h = harness('ECS_CLUSTER=idle\n');
    await buildStandInImage(docker, h.image, RUN, 'a');
    const abort = new AbortController();
    const supervising = h.engine.startSupervised(abort.signal);
    await waitForAgentRun(h.paths.dataDir);
    abort.abort();
    await supervising;
    const state = (await h.inspect(h.containerName)).State;
    expect(state.Running).toBe(false);
    expect(state.ExitCode).toBe(0);
    expect(h.runs()).toBe(1);
  }, TIMEOUT);
});

describe('image cache against the real Docker engine', () => {
  it('pre-start force-loads the packaged tarball (state 2) and records state 1', async () => {
    const h = harness('');
    await buildStandInImage(docker, h.image, RUN, 'a');
    await saveImage(docker, h.image, h.paths.cachedAgentTarball);
    await docker.getImage(h.image).remove({ force: true });
    writeFileSync(h.paths.cacheState, '2\n');

    await h.engine.preStart();
    expect(await docker.getImage(h.image).inspect()).toMatchObject({ RepoTags: [h.image] });
    expect(readFileSync(h.paths.cacheState, 'utf8')).toBe('1');
    expect(h.netfilterCalls).toEqual([
      {
        skipLocalhostTrafficFilter: false,
        allowOffhostIntrospectionAccess: false,
        offhostIntrospectionInterface: undefined,
        bridgeName: 'docker0',
      },
    ]);
    expect(h.messages('info')).toContain('pre-start: ecs agent container image loaded presence: false');
  }, TIMEOUT);

  it('reload-cache loads a docker-save tarball and writes state 1', async () => {
    const h = harness('');
    await buildStandInImage(docker, h.image, RUN, 'a');
    await saveImage(docker, h.image, h.paths.cachedAgentTarball);
    await docker.getImage(h.image).remove({ force: true });
    writeFileSync(h.paths.cacheState, '1');

    await h.engine.reloadCache();
    expect(await docker.getImage(h.image).inspect()).toMatchObject({ RepoTags: [h.image] });
    expect(readFileSync(h.paths.cacheState, 'utf8')).toBe('1');
  }, TIMEOUT);
});
