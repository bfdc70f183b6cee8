import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { build } from 'tsup';
import { buildStandInImage, removeTestArtifacts } from './stand-in-images';

// The CLI as a process: argv handling, exit statuses, the log file and signals are only visible
// from outside. Bundled here as CommonJS (independent of the packaging build).
const TIMEOUT = 60_000;
const OUT = mkdtempSync(path.join(tmpdir(), 'ecs-init-cli-'));
const CLI = path.join(OUT, 'cli.cjs');
const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
const RUN = `init-cli-${process.pid}-${Date.now()}`;
const IMAGE = `fractal-ecs-test/cli-${RUN}:latest`;
const CONTAINER = `fractal-ecs-test-${RUN}`;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Result>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const runCli = (args: string[], env: Record<string, string> = {}) => startCli(args, env).done;

function hostRoot(ecsConfig: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ecs-init-cli-root-'));
  mkdirSync(path.join(root, 'etc/ecs'), { recursive: true });
  writeFileSync(path.join(root, 'etc/ecs/ecs.config'), ecsConfig);
  return root;
}

const agentEnv = (root: string) => ({
  ECS_INIT_HOST_ROOT: root,
  ECS_INIT_AGENT_IMAGE: IMAGE,
  ECS_INIT_AGENT_CONTAINER_NAME: CONTAINER,
});

beforeAll(async () => {
  await build({
    config: false,
    entry: { cli: path.resolve('packages/init/src/cli.ts') },
    outDir: OUT,
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    platform: 'node',
    target: 'node20',
    // ssh2's optional native add-ons stay out, as in the packaging build.
    noExternal: [/^(?!cpu-features$)(?!.*\.node$)/],
    external: ['cpu-features', /\.node$/],
    silent: true,
  });
  await buildStandInImage(docker, IMAGE, RUN, 'a');
}, TIMEOUT);

afterAll(async () => {
  await removeTestArtifacts(docker, RUN, [IMAGE]);
  rmSync(OUT, { recursive: true, force: true });
});

describe('amazon-ecs-init command line', () => {
  it.each([[[]], [['update-cache']]])('prints the usage to stdout and exits 1 for %j, initialising nothing', async (args) => {
    const root = hostRoot('');
    const result = await runCli(args, { ECS_INIT_HOST_ROOT: root });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Usage: \S+ ACTION\n\n Available actions:\n {2}pre-start {8}Prepare the ECS Agent for starting\n/);
    expect(result.stdout).toContain('  reload-cache     Reload the cached image of the ECS Agent into Docker\n');
    expect(existsSync(path.join(root, 'var/log/ecs/ecs-init.log'))).toBe(false);
  });

  it('documents every action and the exit statuses in --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const verb of ['pre-start', 'start', 'pre-stop', 'stop', 'post-stop', 'reload-cache', 'version']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${verb} +\\S`, 'm'));
    }
    expect(result.stdout).toMatch(/^ {2}5 {4}the agent exited with its terminal code 5/m);
  });

  it('prints the version line', async () => {
    const result = await runCli(['version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ecs-init version \S+ \(\*?\S*\)\n$/);
  });

  it('exits 5 when the agent exits terminally, logging to the file and stdout', async () => {
    const root = hostRoot('STAND_IN_PLAN=5\n');
    const result = await runCli(['start'], agentEnv(root));
    expect(result.code).toBe(5);
    const log = readFileSync(path.join(root, 'var/log/ecs/ecs-init.log'), 'utf8');
    expect(log).toMatch(/^level=info time=\S+Z msg="start"\n/);
    expect(log).toMatch(/level=error time=\S+ msg="agent exited with terminal exit code: 5"\n$/);
    expect(result.stdout).toContain('msg="agent exited with terminal exit code: 5"');
  }, TIMEOUT);

  it('exits 255 when the agent image is missing', async () => {
    const root = hostRoot('');
    const result = await runCli(['start'], { ...agentEnv(root), ECS_INIT_AGENT_IMAGE: `${IMAGE}-missing` });
    expect(result.code).toBe(255);
    expect(result.stdout).toMatch(/level=error .*msg="could not start Agent: .*No such image/);
  }, TIMEOUT);

  it('stops the agent container and exits 0 on SIGTERM', async () => {
    const root = hostRoot('ECS_CLUSTER=idle\n');
    const { child, done } = startCli(['start'], agentEnv(root));
    // The run counter exists once the stand-in has set its SIGTERM trap.
    const runs = path.join(root, 'var/lib/ecs/data/runs');
    const poll = setInterval(() => {
      if (existsSync(runs)) {
        clearInterval(poll);
        child.kill('SIGTERM');
      }
    }, 50);
    const result = await done;
    clearInterval(poll);
    expect(existsSync(runs)).toBe(true);
    expect(result.code).toBe(0);
    const [container] = await docker.listContainers({ all: true, filters: { name: [CONTAINER] } });
    expect(container!.State).toBe('exited');
    expect(container!.Status).toMatch(/^Exited \(0\)/);
  }, TIMEOUT);
});
