import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateClusterCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { DEFAULT_CREDENTIALS, DEFAULT_REGION } from '../../../control-plane/src';
import { describeInstance, startControlPlane, type Harness } from '../agent-harness';
import { buildBusyboxImage, docker, removeTestArtifacts } from '../support/busybox-image';

// The whole instance side as a user runs it: amazon-ecs-init (the built executable) loads the agent
// image from the cache tarball (state 2, as the RPM leaves it) and supervises the agent container,
// which registers with the local control plane over 127.0.0.1 (host networking), runs a task with a
// port mapping, updates itself to a second image through exit 42, and leaves nothing behind after
// stop and post-stop. pre-start changes the host's own nat table: nothing else may hold ecs-init's
// rules on this host while this file runs (the suite runs its files one at a time on 2 cores).
//
// Every wait has a deadline and names what it waited for; each step logs how long it took.
const RUN = `e2e-${process.pid}`;
const AGENT_IMAGE = `fractal-ecs-test/e2e-agent-${process.pid}:latest`;
const AGENT_CONTAINER = `fractal-ecs-test-${RUN}-agent`;
const WEB_IMAGE = `fractal-ecs-test/e2e-web-${process.pid}:latest`;
const CLUSTER = `e2e-${process.pid}`;
const GREETING = `hello from ${RUN}`;
const repoRoot = path.resolve('.');
const agentBundle = path.join(repoRoot, 'packages/agent/dist/amazon-ecs-agent');
const initExecutable = path.join(repoRoot, 'packages/init/dist/amazon-ecs-init');
const CREDENTIALS_ENDPOINT = '169.254.170.2';
// With ECS_EXTERNAL, ecs-init binds it into the agent as /rotatingcreds; Docker creates it when missing.
const ROTATING_CREDENTIALS_DIR = '/root/.aws';
const rotatingCredentialsDirExisted = existsSync(ROTATING_CREDENTIALS_DIR);

const run = promisify(execFile);

let harness: Harness;
let work: string;
let hostRoot: string;
let secondTarball: Promise<string>;
let firstImageId: string;
let init: { child: ChildProcess; output: () => string; exit: Promise<number | null> } | undefined;
let instanceArn: string;
let taskArn: string;
let hostPort: number;

const stepStarted = new Map<string, number>();
function begin(step: string) {
  stepStarted.set(step, Date.now());
}
function done(step: string) {
  console.log(`e2e step "${step}": ${((Date.now() - stepStarted.get(step)!) / 1000).toFixed(1)} s`);
}

/** Polls `probe` every 250 ms until it returns a truthy value; after `seconds`, fails naming `what` and `context()`. */
async function waitUntil<T>(what: string, seconds: number, probe: () => Promise<T | undefined | false> | T | undefined | false, context: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** What a failing wait shows: the init's output, the agent container's last lines and its log file. */
function diagnostics(): string {
  const agentLogs = (() => {
    try {
      return execFileSync('docker', ['logs', '--tail', '30', AGENT_CONTAINER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      return String((error as { stderr?: string }).stderr ?? error);
    }
  })();
  const logFile = path.join(hostRoot, 'var/log/ecs/ecs-agent.log');
  const agentLogFile = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '(no agent log file)';
  return `--- ecs-init output (last 30 lines)\n${(init?.output() ?? '').split('\n').slice(-30).join('\n')}\n--- docker logs ${AGENT_CONTAINER}\n${agentLogs}\n--- ecs-agent.log\n${agentLogFile}`;
}

/** The environment systemd gives ecs-init, pointed at the scratch root and this run's image and container names. */
function initEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    ECS_INIT_HOST_ROOT: hostRoot,
    ECS_INIT_AGENT_IMAGE: AGENT_IMAGE,
    ECS_INIT_AGENT_CONTAINER_NAME: AGENT_CONTAINER,
    ECS_EXTERNAL: 'true',
  };
}

async function runInit(verb: string): Promise<string> {
  const { stdout } = await run(process.execPath, [initExecutable, verb], { env: initEnv(), timeout: 90_000 });
  return stdout;
}

function credentialsProxyRules(): string[] {
  return execFileSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(CREDENTIALS_ENDPOINT));
}

/** Builds an agent image tarball tagged AGENT_IMAGE from `bundle`, in a child process. */
async function buildAgentTarball(bundle: string, output: string): Promise<string> {
  await run(process.execPath, [path.join(repoRoot, 'packages/agent/image/build-image.mjs'), '--agent', bundle, '--tag', AGENT_IMAGE, '--output', output], {
    timeout: 240_000,
  });
  return output;
}

/** The image ID `docker load` gives a tarball: its config's digest (docker-archive manifest.json). */
function tarballImageId(tarball: string): string {
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', tarball, 'manifest.json'], { encoding: 'utf8' })) as { Config: string }[];
  return `sha256:${path.basename(manifest[0]!.Config, '.json')}`;
}

async function agentContainer(): Promise<{ Image: string; State: { Running: boolean; StartedAt: string } } | undefined> {
  const out = await docker(['inspect', '--type', 'container', AGENT_CONTAINER]).catch(() => undefined);
  return out ? (JSON.parse(out) as { Image: string; State: { Running: boolean; StartedAt: string } }[])[0] : undefined;
}

async function describeTask() {
  const answer = await harness.api.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }));
  return answer.tasks![0]!;
}

async function fetchPage(): Promise<string | undefined> {
  const response = await fetch(`http://127.0.0.1:${hostPort}/`, { signal: AbortSignal.timeout(3_000) });
  return response.ok ? (await response.text()).trim() : undefined;
}

beforeAll(async () => {
  begin('setup');
  const held = credentialsProxyRules();
  if (held.length) {
    throw new Error(`the host's nat table already has ecs-init's rules (another ecs-init, e.g. make run, holds them; make stop-demo):\n${held.join('\n')}`);
  }
  for (const file of [agentBundle, initExecutable]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run make build first`);
  }
  work = mkdtempSync(path.join(tmpdir(), 'ecs-e2e-'));
  hostRoot = path.join(work, 'root');
  mkdirSync(path.join(hostRoot, 'etc/ecs'), { recursive: true });
  mkdirSync(path.join(hostRoot, 'var/cache/ecs'), { recursive: true });
  // The second version differs in its agent bundle only (a trailing comment): another image ID under
  // the same tag, which is what an update delivers. Built in the background while the first runs.
  const secondBundle = path.join(work, 'agent-v2', 'amazon-ecs-agent');
  cpSync(path.dirname(agentBundle), path.dirname(secondBundle), { recursive: true });
  writeFileSync(secondBundle, `${readFileSync(secondBundle, 'utf8')}\n// second version, ${RUN}\n`);
  const first = buildAgentTarball(agentBundle, path.join(hostRoot, 'var/cache/ecs/ecs-agent.tar'));
  secondTarball = buildAgentTarball(secondBundle, path.join(work, 'ecs-agent-v2.tar'));
  secondTarball.catch(() => undefined);
  [harness] = await Promise.all([startControlPlane(), first, buildBusyboxImage(WEB_IMAGE, RUN)]);
  firstImageId = tarballImageId(path.join(hostRoot, 'var/cache/ecs/ecs-agent.tar'));
  await harness.api.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  writeFileSync(
    path.join(hostRoot, 'etc/ecs/ecs.config'),
    [
      `ECS_CLUSTER=${CLUSTER}`,
      `ECS_BACKEND_HOST=${harness.endpoint}`,
      `AWS_ACCESS_KEY_ID=${DEFAULT_CREDENTIALS.accessKeyId}`,
      `AWS_SECRET_ACCESS_KEY=${DEFAULT_CREDENTIALS.secretAccessKey}`,
      `AWS_DEFAULT_REGION=${DEFAULT_REGION}`,
      // Off EC2: no instance metadata to wait for.
      'ECS_EXTERNAL=true',
      // The task's image exists only in this Docker engine.
      'ECS_IMAGE_PULL_BEHAVIOR=prefer-cached',
      'ECS_CONTAINER_STOP_TIMEOUT=2s',
      'ECS_LOGLEVEL=debug',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(hostRoot, 'var/cache/ecs/state'), '2\n');
  done('setup');
}, 300_000);

afterAll(async () => {
  if (init && init.child.exitCode === null) init.child.kill('SIGKILL');
  await docker(['rm', '-f', AGENT_CONTAINER]).catch(() => '');
  await removeTestArtifacts(RUN, [WEB_IMAGE]);
  // Both agent versions: the tag, and the first image once the second took the tag.
  await docker(['rmi', '-f', AGENT_IMAGE]).catch(() => '');
  if (firstImageId) await docker(['rmi', '-f', firstImageId]).catch(() => '');
  if (hostRoot) await run(process.execPath, [initExecutable, 'post-stop'], { env: initEnv() }).catch(() => undefined);
  await harness?.cleanup();
  if (!rotatingCredentialsDirExisted) {
    try {
      rmdirSync(ROTATING_CREDENTIALS_DIR);
    } catch {
      // Not created, or something was put in it since: left alone.
    }
  }
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('amazon-ecs-init and the agent image against the local control plane', () => {
  it('pre-start loads the cached agent image and adds the credentials proxy rules', async () => {
    begin('pre-start');
    await runInit('pre-start');
    const loaded = (await docker(['image', 'inspect', '--format', '{{.Id}}', AGENT_IMAGE])).trim();
    expect(loaded).toBe(firstImageId);
    expect(readFileSync(path.join(hostRoot, 'var/cache/ecs/state'), 'utf8').trim()).toBe('1');
    expect(credentialsProxyRules().length).toBeGreaterThan(0);
    done('pre-start');
  }, 120_000);

  it('start runs the agent container, which registers the instance', async () => {
    begin('start and register');
    const child = spawn(process.execPath, [initExecutable, 'start'], { env: initEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    init = { child, output: () => output, exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };

    await waitUntil('the agent container to run', 60, async () => (await agentContainer())?.State.Running, diagnostics);
    expect((await agentContainer())!.Image).toBe(firstImageId);
    const instance = await waitUntil('the container instance to register', 90, () => describeInstance(harness, CLUSTER), diagnostics);
    instanceArn = instance.containerInstanceArn!;
    expect(instance.status).toBe('ACTIVE');
    expect(instance.versionInfo?.agentVersion).toBe(JSON.parse(readFileSync(path.join(repoRoot, 'packages/agent/package.json'), 'utf8')).version);
    await waitUntil('the ACS session', 30, () => harness.controlPlane.acsActivity(instanceArn)?.heartbeatAcks, diagnostics);
    done('start and register');
  }, 180_000);

  it('runs a web server task reachable on its mapped host port', async () => {
    begin('task');
    await harness.api.send(
      new RegisterTaskDefinitionCommand({
        family: `e2e-web-${process.pid}`,
        containerDefinitions: [
          {
            name: 'web',
            image: WEB_IMAGE,
            memory: 32,
            essential: true,
            stopTimeout: 2,
            command: ['sh', '-c', `mkdir -p /www && echo "${GREETING}" > /www/index.html && exec httpd -f -p 8080 -h /www`],
            portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
          },
        ],
      }),
    );
    const ran = await harness.api.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: `e2e-web-${process.pid}` }));
    expect(ran.failures).toEqual([]);
    taskArn = ran.tasks![0]!.taskArn!;
    const task = await waitUntil('the task to be RUNNING', 60, async () => {
      const described = await describeTask();
      return described.lastStatus === 'RUNNING' && described;
    }, diagnostics);
    const binding = task.containers![0]!.networkBindings!.find((b) => b.containerPort === 8080)!;
    expect(binding.hostPort).toBeGreaterThan(0);
    hostPort = binding.hostPort!;
    expect(await waitUntil(`the page on host port ${hostPort}`, 15, fetchPage)).toBe(GREETING);
    done('task');
  }, 120_000);

  it('applies an update from a second image version through exit 42, the task running on', async () => {
    begin('second image build');
    const tarball = await secondTarball;
    const secondImageId = tarballImageId(tarball);
    expect(secondImageId).not.toBe(firstImageId);
    done('second image build');

    begin('update');
    const firstStart = (await agentContainer())!.State.StartedAt;
    const outcome = await harness.controlPlane.offerUpdate(instanceArn, tarball, { stageTimeoutMs: 60_000 });
    expect(outcome.stage).toEqual({ acked: true });
    expect(outcome.perform).toEqual({ acked: true });
    // ecs-init sees 42, loads desired-image's tarball and starts the container again from the new image.
    const updated = await waitUntil(
      'the agent container to run the second image',
      90,
      async () => {
        const container = await agentContainer();
        return container?.State.Running && container.Image === secondImageId && container.State.StartedAt !== firstStart && container;
      },
      diagnostics,
    );
    expect(updated.Image).toBe(secondImageId);
    expect(init!.output()).toContain('Agent exited with code 42');
    expect((await docker(['image', 'inspect', '--format', '{{.Id}}', AGENT_IMAGE])).trim()).toBe(secondImageId);
    // The new agent takes the same instance back and reconnects; the task was never stopped.
    await waitUntil('the updated agent to reconnect', 60, async () => (await describeInstance(harness, CLUSTER)).agentConnected, diagnostics);
    expect((await describeInstance(harness, CLUSTER)).containerInstanceArn).toBe(instanceArn);
    expect((await describeTask()).lastStatus).toBe('RUNNING');
    expect(await fetchPage()).toBe(GREETING);
    done('update');
  }, 300_000);

  it('stops the task, then stop and post-stop leave no agent container and no credentials proxy rule', async () => {
    begin('stop');
    await harness.api.send(new StopTaskCommand({ cluster: CLUSTER, task: taskArn, reason: 'e2e done' }));
    await waitUntil('the task to be STOPPED', 60, async () => (await describeTask()).lastStatus === 'STOPPED', diagnostics);
    await expect(fetchPage()).rejects.toThrow();

    await runInit('stop');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([init!.exit, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('start still running 30 s after stop'), 30_000)))]);
    clearTimeout(timer);
    expect(code).toBe(0);
    await runInit('post-stop');
    expect(await agentContainer().then((c) => c?.State.Running ?? false)).toBe(false);
    // ecs-init leaves the stopped container for the next start to remove, as upstream; nothing runs.
    expect((await docker(['ps', '-q', '--filter', `name=^/${AGENT_CONTAINER}$`])).trim()).toBe('');
    expect(credentialsProxyRules()).toEqual([]);
    done('stop');
  }, 120_000);
});
