import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CREDENTIALS, DEFAULT_REGION } from '../../control-plane/src';
import { describeInstance, startControlPlane, waitFor, type Harness } from './agent-harness';

// The built binary, as ecs-init runs it, against the local control plane: it registers, stays
// connected, logs every ACS message, and exits 0 on SIGTERM.

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const binary = path.join(packageDir, 'dist', 'amazon-ecs-agent');

let harness: Harness;
let child: ChildProcess | undefined;

beforeAll(() => {
  if (!existsSync(binary)) execFileSync('pnpm', ['run', 'build'], { cwd: packageDir, stdio: 'ignore' });
});

beforeEach(async () => {
  harness = await startControlPlane();
});

afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  await harness.cleanup();
});

function run(args: string[], env: Record<string, string>) {
  const output = { text: '' };
  const started = spawn(process.execPath, [binary, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.stdout!.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  started.stderr!.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
  child = started;
  return { output, exited, process: started };
}

describe('dist/amazon-ecs-agent', () => {
  it('registers, logs every ACS message at info, and exits 0 on SIGTERM', async () => {
    const agent = run([], {
      AWS_ACCESS_KEY_ID: DEFAULT_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEFAULT_CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: DEFAULT_REGION,
      ECS_BACKEND_HOST: harness.endpoint,
      ECS_DATADIR: harness.agentDir,
      ECS_EXTERNAL: 'true',
      ECS_AGENT_CONFIG_FILE_PATH: path.join(harness.agentDir, 'absent.json'),
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    const instance = await describeInstance(harness, 'default');
    await waitFor('three heartbeats in the log', () => (agent.output.text.match(/level=info .*msg="Received ACS message" type=HeartbeatMessage messageId=\S+/g)?.length ?? 0) >= 3);
    expect(agent.output.text).toContain(`msg="Registration completed successfully" cluster=default containerInstanceArn=${instance.containerInstanceArn}`);
    expect(agent.output.text).not.toContain(DEFAULT_CREDENTIALS.secretAccessKey);
    // Every line is a log record (no stray SDK notices on the agent's output).
    expect(agent.output.text.trim().split('\n').filter((line) => !line.startsWith('level='))).toEqual([]);
    agent.process.kill('SIGTERM');
    await expect(agent.exited).resolves.toBe(0);
    expect(agent.output.text).toContain('msg="Agent received termination signal" signal=SIGTERM');
    expect(agent.output.text).toContain('msg="Saved the agent state before shutting down"');
    expect(agent.output.text).toContain('msg="Agent stopped"');
  });

  it('exits 1 with the missing region named when no region can be found', async () => {
    const agent = run([], { ECS_EXTERNAL: 'true', ECS_BACKEND_HOST: harness.endpoint, ECS_AGENT_CONFIG_FILE_PATH: path.join(harness.agentDir, 'absent.json') });
    await expect(agent.exited).resolves.toBe(1);
    expect(agent.output.text).toContain('AWS_DEFAULT_REGION');
  });

  it('prints its version with -version and refuses unknown flags with exit 5', async () => {
    const version = run(['-version'], {});
    await expect(version.exited).resolves.toBe(0);
    expect(version.output.text).toMatch(/^Amazon ECS Agent:\n\tVersion: \S+\n\tCommit: \S*\n$/);
    const bad = run(['-no-such-flag'], {});
    await expect(bad.exited).resolves.toBe(5);
    expect(bad.output.text).toContain('flag provided but not defined: -no-such-flag');
    const attributes = run(['-ecs-attributes'], { AWS_DEFAULT_REGION: DEFAULT_REGION, ECS_AGENT_CONFIG_FILE_PATH: path.join(harness.agentDir, 'absent.json') });
    await expect(attributes.exited).resolves.toBe(0);
    // The capability list (capabilities.test.ts) with the Docker API versions the daemon serves.
    expect(attributes.output.text).toMatch(/^com\.amazonaws\.ecs\.capability\.docker-remote-api\.1\.32\t$/m);
    expect(attributes.output.text).toMatch(/^ecs\.capability\.secrets\.asm\.environment-variables\t$/m);
    expect(attributes.output.text.endsWith('ecs.capability.full-sync\t\n')).toBe(true);
  });
});
