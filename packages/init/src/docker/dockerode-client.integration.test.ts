import { Readable } from 'node:stream';
import Dockerode from 'dockerode';
import { systemClock } from '@fractal-ecs/common';
import { pack } from 'tar-stream';
import { buffer } from 'node:stream/consumers';
import { recordingLogger } from '../../test/recording-logger';
import { buildStandInImage, removeTestArtifacts } from '../../test/stand-in-images';
import { connectDocker } from './dockerode-client';
import type { AgentContainerSpec, DockerClient } from './client';

const TIMEOUT = 30_000;
const SOCKET = '/var/run/docker.sock';
const docker = new Dockerode({ socketPath: SOCKET });
const RUN = `init-docker-${process.pid}-${Date.now()}`;
const IMAGE = `fractal-ecs-test/adapter-${RUN}:latest`;
let client: DockerClient;

function spec(name: string, plan: string): AgentContainerSpec {
  return {
    name,
    image: IMAGE,
    env: [`STAND_IN_PLAN=${plan}`, 'STAND_IN_LINES=2'],
    labels: { purpose: 'adapter-test' },
    // Tmpfs-free minimal config: the stand-in keeps its run count in /data.
    hostConfig: { Binds: [], NetworkMode: 'none', UsernsMode: 'host', Init: true, LogConfig: { Type: 'json-file', Config: {} } },
  };
}

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const archive = pack();
  const body = buffer(archive as unknown as AsyncIterable<Buffer>);
  for (const [name, text] of Object.entries(files)) archive.entry({ name }, text);
  archive.finalize();
  return body;
}

beforeAll(async () => {
  const { log } = recordingLogger();
  client = await connectDocker({ socketPath: SOCKET, clock: systemClock, log });
  await buildStandInImage(docker, IMAGE, RUN, 'a');
}, TIMEOUT);

afterAll(async () => {
  await removeTestArtifacts(docker, RUN, [IMAGE]);
});

describe('DockerodeClient against the real Docker engine', () => {
  it('reports the daemon API version', () => {
    expect(client.apiVersion).toMatch(/^1\.\d+$/);
  });

  it('finds images by exact repo tag only', async () => {
    expect(await client.isImageLoaded(IMAGE)).toBe(true);
    expect(await client.isImageLoaded(IMAGE.replace(':latest', ':other'))).toBe(false);
    expect(await client.isImageLoaded(IMAGE.replace('adapter-', 'adapter'))).toBe(false);
  });

  it('fails a load whose tarball the daemon rejects', async () => {
    const broken = await tarOf({ 'manifest.json': '[{"Config":"missing.json","RepoTags":["x:1"],"Layers":[]}]' });
    await expect(client.loadImage(Readable.from([broken]))).rejects.toThrow(/missing\.json|no such file/i);
  }, TIMEOUT);

  it('runs, waits for, tails, stops and removes a container by exact name', async () => {
    const name = `fractal-ecs-test-${RUN}`;
    expect(await client.findContainer(name.slice(0, -1))).toBeUndefined();

    const exited = await client.createAndStart(spec(name, '3'));
    expect(await client.wait(exited)).toBe(3);
    expect(await client.findContainer(name)).toBe(exited);
    expect(await client.logTail(exited, 1)).toMatch(/^\S+Z stand-in log line 2\n$/);
    expect(await client.stop(exited, 10)).toBe('not-running');
    await client.removeContainer(exited);
    expect(await client.findContainer(name)).toBeUndefined();
    expect(await client.stop(exited, 10)).toBe('not-found');

    const idle = await client.createAndStart(spec(name, ''));
    // Its first output line means its SIGTERM trap is set.
    while (!(await client.logTail(idle, 1)).includes('stand-in log line')) await new Promise((r) => setTimeout(r, 20));
    const waiting = client.wait(idle);
    expect(await client.stop(idle, 10)).toBe('stopped');
    expect(await waiting).toBe(0);
    await client.removeContainer(idle);
  }, TIMEOUT);

  it('names the default bridge (docker0 on a stock daemon)', async () => {
    expect(await client.defaultBridgeName()).toBe('docker0');
  });
});
