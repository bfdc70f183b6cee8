import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ContainerDefinition, RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { waitFor } from '../agent-harness';
import { buildTaggedBusyboxImage, removeImages } from '../support/busybox-image';
import { EngineTestBed, freePort, type AgentHandle } from './engine-harness';

// The engine's behaviour through the local control plane and the real Docker engine: each test runs
// its own task concurrently with the others on one agent, and checks what the control plane was told
// and what Docker shows.

let bed: EngineTestBed;
let agent: AgentHandle;
/** A second cluster whose agent cleans tasks up a second after they stop. */
let cleanupBed: EngineTestBed;
let cleanupAgent: AgentHandle;
let introspectionPort: number;
let hostDir: string;
const image = `fractal-engine-test/busybox:${process.pid}`;

beforeAll(async () => {
  await buildTaggedBusyboxImage([image]);
  hostDir = mkdtempSync(path.join(tmpdir(), 'engine-host-volume-'));
  bed = await new EngineTestBed().start();
  introspectionPort = await freePort();
  agent = bed.startAgent({ ECS_CONTAINER_STOP_TIMEOUT: '2s' }, { introspectionPort });
  await bed.waitForEngine(agent);
  cleanupBed = await new EngineTestBed().start();
  cleanupAgent = cleanupBed.startAgent({}, { engineSettings: { drainIntervalMs: [200, 400], cleanupWaitMs: 1_000, cleanupWaitJitterMs: 500 } });
  await cleanupBed.waitForEngine(cleanupAgent);
}, 60_000);

afterAll(async () => {
  await bed?.cleanup();
  await cleanupBed?.cleanup();
  removeImages([image]);
  rmSync(hostDir, { recursive: true, force: true });
});

const container = (name: string, command: string, more: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name,
  image,
  memory: 32,
  essential: true,
  command: ['sh', '-c', command],
  ...more,
});

const definition = (family: string, containers: ContainerDefinition[], more: Partial<RegisterTaskDefinitionCommandInput> = {}): RegisterTaskDefinitionCommandInput => ({
  family,
  containerDefinitions: containers,
  ...more,
});

async function runToStop(def: RegisterTaskDefinitionCommandInput) {
  const [arn] = await bed.run(def);
  return bed.waitForStatus(arn!, 'STOPPED', 90_000);
}

function inspect(id: string): { Config: { Labels: Record<string, string> }; HostConfig: Record<string, unknown>; State: { Running: boolean } } {
  return JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' }))[0];
}

/** Each test runs concurrently with the others; Docker on 2 busy cores can take a while. */
const test = (name: string, body: () => Promise<void>) => it.concurrent(name, body, 150_000);

describe('the Docker task engine', () => {
  test('reports a non-essential container that exits without stopping the task', async () => {
    const stopped = await runToStop(
      definition('nonessential', [container('side', 'exit 3', { essential: false }), container('main', 'sleep 3; exit 0')]),
    );
    expect(EngineTestBed.exitCodes(stopped)).toEqual({ side: 3, main: 0 });
  });

  test('stops every container when an essential one exits (a container ignoring SIGTERM is killed after the stop timeout)', async () => {
    const stopped = await runToStop(definition('essential', [container('main', 'sleep 1; exit 1'), container('side', 'sleep 600', { essential: false })]));
    expect(EngineTestBed.exitCodes(stopped)).toEqual({ main: 1, side: 137 });
    expect(stopped.stoppedReason).toBeTruthy();
  });

  test('a container with its own stopTimeout that exits on SIGTERM stops with its own exit code', async () => {
    const stopped = await runToStop(
      definition('graceful', [
        container('main', 'sleep 1; exit 0'),
        container('graceful', "trap 'exit 7' TERM; while true; do sleep 1; done", { essential: false, stopTimeout: 10 }),
      ]),
    );
    expect(EngineTestBed.exitCodes(stopped)).toEqual({ main: 0, graceful: 7 });
  });

  test('binds a dynamic host port, reports it in the network bindings, and serves on it until StopTask', async () => {
    const [arn] = await bed.run(definition('ports', [container('web', 'httpd -f -p 80 -h /www', { portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }] })]));
    const running = await bed.waitForStatus(arn!, 'RUNNING');
    const binding = running.containers![0]!.networkBindings![0]!;
    expect(binding).toMatchObject({ containerPort: 80, protocol: 'tcp' });
    expect(binding.hostPort).toBeGreaterThan(0);
    const page = await fetch(`http://127.0.0.1:${binding.hostPort}/index.html`).then((response) => response.text());
    expect(page).toContain('hello from the test image');
    await bed.stopTask(arn!);
    const stopped = await bed.waitForStatus(arn!, 'STOPPED');
    expect(stopped.containers![0]!.exitCode).toBe(137);
  });

  test('passes environment, dockerLabels, working directory, user and hostname to Docker, and labels the container as upstream', async () => {
    const stopped = await runToStop(
      definition('settings', [
        container('check', '[ "$GREETING" = hello ] && [ "$(pwd)" = /tmp ] && [ "$(id -u)" = 65534 ] && [ "$(hostname)" = probe ] && exit 42; exit 1', {
          environment: [{ name: 'GREETING', value: 'hello' }],
          dockerLabels: { 'team.name': 'engine', 'com.amazonaws.ecs.cluster': 'spoofed' },
          workingDirectory: '/tmp',
          user: 'nobody',
          hostname: 'probe',
        }),
      ]),
    );
    expect(EngineTestBed.exitCodes(stopped)).toEqual({ check: 42 });
    const labels = inspect(stopped.containers![0]!.runtimeId!).Config.Labels;
    expect(labels).toMatchObject({
      'team.name': 'engine',
      'com.amazonaws.ecs.cluster': bed.cluster,
      'com.amazonaws.ecs.task-arn': stopped.taskArn,
      'com.amazonaws.ecs.container-name': 'check',
      'com.amazonaws.ecs.task-definition-family': `settings-${bed.runId}`,
      'com.amazonaws.ecs.task-definition-version': '1',
    });
  });

  test('read-only root, tmpfs, shm size, ulimits, extra hosts, init and capabilities reach the container', async () => {
    const checks = [
      'touch /probe 2>/dev/null && exit 1',
      'grep -q " /scratch tmpfs " /proc/mounts || exit 2',
      'grep -q "/dev/shm.*size=102400k" /proc/mounts || exit 3',
      '[ "$(ulimit -n)" = 123 ] || exit 4',
      'grep -q "10.1.2.3.*probe.local" /etc/hosts || exit 5',
      '[ "$(cat /proc/1/comm)" = docker-init ] || exit 6',
      'eff=$(grep CapEff /proc/self/status | cut -f2); [ $(( 0x$eff >> 21 & 1 )) = 1 ] || exit 7; [ $(( 0x$eff >> 27 & 1 )) = 0 ] || exit 8',
      'exit 42',
    ].join('; ');
    const stopped = await runToStop(
      definition('linux', [
        container('check', checks, {
          readonlyRootFilesystem: true,
          ulimits: [{ name: 'nofile', softLimit: 123, hardLimit: 234 }],
          extraHosts: [{ hostname: 'probe.local', ipAddress: '10.1.2.3' }],
          linuxParameters: {
            initProcessEnabled: true,
            sharedMemorySize: 100,
            tmpfs: [{ containerPath: '/scratch', size: 16 }],
            capabilities: { add: ['SYS_ADMIN'], drop: ['MKNOD'] },
          },
        }),
      ]),
    );
    expect(EngineTestBed.exitCodes(stopped)).toEqual({ check: 42 });
  });

  test('asks Docker for a privileged container (and runs it where the host allows)', async () => {
    const hostAllows = spawnSync('docker', ['run', '--rm', '--privileged', image, 'true']).status === 0;
    const stopped = await runToStop(definition('privileged', [container('check', 'mount -t tmpfs none /mnt && exit 42; exit 1', { privileged: true })]));
    expect(inspect(stopped.containers![0]!.runtimeId!).HostConfig.Privileged).toBe(true);
    if (hostAllows) expect(EngineTestBed.exitCodes(stopped)).toEqual({ check: 42 });
    else expect(stopped.containers![0]!.reason).toMatch(/^CannotStartContainerError: /);
  });

  test('shares host and empty-host volumes between containers, after the writer succeeded', async () => {
    const stopped = await runToStop(
      definition(
        'volumes',
        [
          container('writer', 'echo from-writer > /host/out && echo scratch > /scratch/out', {
            essential: false,
            mountPoints: [
              { sourceVolume: 'host', containerPath: '/host' },
              { sourceVolume: 'scratch', containerPath: '/scratch' },
            ],
          }),
          container('reader', 'grep -q from-writer /host/out && grep -q scratch /scratch/out && exit 42; exit 1', {
            dependsOn: [{ containerName: 'writer', condition: 'SUCCESS' }],
            mountPoints: [
              { sourceVolume: 'host', containerPath: '/host', readOnly: true },
              { sourceVolume: 'scratch', containerPath: '/scratch' },
            ],
          }),
        ],
        { volumes: [{ name: 'host', host: { sourcePath: hostDir } }, { name: 'scratch', host: {} }] },
      ),
    );
    expect(EngineTestBed.exitCodes(stopped)).toEqual({ writer: 0, reader: 42 });
    expect(readFileSync(path.join(hostDir, 'out'), 'utf8')).toBe('from-writer\n');
  });

  test('provisions task-scoped and shared Docker volumes (shared ones outlive the task)', async () => {
    const shared = `shared-${bed.runId}`;
    const mounts = [
      { sourceVolume: 'task', containerPath: '/task' },
      { sourceVolume: shared, containerPath: '/shared' },
    ];
    const stopped = await runToStop(
      definition(
        'dockervolumes',
        [
          container('writer', 'echo t > /task/f && echo s > /shared/f', { essential: false, mountPoints: mounts }),
          container('reader', 'grep -q t /task/f && grep -q s /shared/f && exit 42; exit 1', { dependsOn: [{ containerName: 'writer', condition: 'SUCCESS' }], mountPoints: mounts }),
        ],
        {
          volumes: [
            { name: 'task', dockerVolumeConfiguration: { scope: 'task', driver: 'local', labels: { purpose: 'test' } } },
            { name: shared, dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'local' } },
          ],
        },
      ),
    );
    expect(EngineTestBed.exitCodes(stopped)).toEqual({ writer: 0, reader: 42 });
    const volumes = execFileSync('docker', ['volume', 'ls', '-q'], { encoding: 'utf8' }).split('\n');
    expect(volumes).toContain(shared);
    expect(volumes.some((name) => name.startsWith(`ecs-dockervolumes-${bed.runId}-1-task-`))).toBe(true);
  });

  test('fails a bad task alone with a clear reason while a good one runs', async () => {
    const engine = agent.engine();
    const [good] = await bed.run(definition('good', [container('main', 'sleep 2; exit 42')]));
    const badArn = (suffix: string) => `arn:aws:ecs:us-east-1:000000000000:task/${bed.cluster}/bad-${suffix}`;
    const base = { family: 'bad', version: '1', desiredStatus: 'RUNNING' };
    const badContainer = { name: 'main', image, essential: true, command: ['sh', '-c', 'exit 0'], memory: 32 };
    await engine.addTask({ ...base, arn: badArn('json'), containers: [{ ...badContainer, dockerConfig: { config: '{not json' } }] }, { messageId: 'm1' });
    await engine.addTask({ ...base, arn: badArn('volume'), containers: [{ ...badContainer, mountPoints: [{ sourceVolume: 'nope', containerPath: '/x' }] }] }, { messageId: 'm2' });
    await engine.addTask({ ...base, arn: badArn('image'), containers: [{ ...badContainer, image: '127.0.0.1:1/missing/image:latest' }] }, { messageId: 'm3' });
    const reasonOf = (suffix: string) => {
      const task = engine.tasks().find((candidate) => candidate.arn === badArn(suffix));
      if (task) return task.knownStatus === 'STOPPED' ? (task.containers[0]!.applyingError?.message ?? 'stopped without a reason') : undefined;
      const refused = agent.logger.records.find((record) => record.msg === 'Task refused' && record.fields.taskArn === badArn(suffix));
      return refused ? String(refused.fields.reason) : undefined;
    };
    expect(await waitFor('the invalid dockerConfig task to stop', () => reasonOf('json'), 60_000)).toMatch(/dockerConfig\.config/);
    expect(await waitFor('the unknown-volume task to stop', () => reasonOf('volume'), 60_000)).toMatch(/nope/);
    expect(await waitFor('the missing-image task to stop', () => reasonOf('image'), 60_000)).toMatch(/missing\/image/);
    const stopped = await bed.waitForStatus(good!, 'STOPPED', 60_000);
    expect(EngineTestBed.exitCodes(stopped)).toEqual({ main: 42 });
  });

  test('serves the introspection API: metadata, tasks by ARN and by full and short Docker ID, license, and the command list', async () => {
    const [arn] = await bed.run(definition('introspect', [container('main', 'sleep 600')]));
    const running = await bed.waitForStatus(arn!, 'RUNNING');
    const dockerId = running.containers![0]!.runtimeId!;
    const get = async (route: string) => {
      const response = await fetch(`http://127.0.0.1:${introspectionPort}${route}`);
      return { status: response.status, body: route === '/license' ? await response.text() : await response.json() };
    };
    const metadata = await get('/v1/metadata');
    expect(metadata.body).toEqual({ Cluster: bed.cluster, ContainerInstanceArn: expect.stringContaining('container-instance/'), Version: expect.stringMatching(/^Amazon ECS Agent - v\S+ \(\*?\w*\)$/) });
    const byArn = await get(`/v1/tasks?taskarn=${encodeURIComponent(arn!)}`);
    expect(byArn.body).toMatchObject({ Arn: arn, KnownStatus: 'RUNNING', DesiredStatus: 'RUNNING', Family: `introspect-${bed.runId}`, Containers: [{ DockerId: dockerId, Name: 'main' }] });
    expect((await get(`/v1/tasks?dockerid=${dockerId}`)).body).toMatchObject({ Arn: arn });
    expect((await get(`/v1/tasks?dockerid=${dockerId.slice(0, 12)}`)).body).toMatchObject({ Arn: arn });
    expect((await get('/v1/tasks?taskarn=arn:aws:ecs:us-east-1:000000000000:task/none')).status).toBe(404);
    expect(((await get('/v1/tasks')).body as { Tasks: { Arn: string }[] }).Tasks.map((task) => task.Arn)).toContain(arn);
    expect((await get('/license')).body).toContain('Apache License');
    expect((await get('/anything')).body).toEqual({ AvailableCommands: ['/v1/metadata', '/v1/tasks', '/license'] });
    await bed.stopTask(arn!);
    await bed.waitForStatus(arn!, 'STOPPED');
  });

  test('reports every change once, in order: containers RUNNING with their runtime IDs, then STOPPED with exit codes', async () => {
    const [arn] = await bed.run(definition('order', [container('main', 'sleep 2; exit 5')]));
    await bed.waitForStatus(arn!, 'STOPPED');
    await agent.engine().whenReported();
    expect(bed.proxy.changesFor(arn!)).toEqual(['main:RUNNING', 'task:RUNNING', 'main:STOPPED', 'task:STOPPED']);
    const stoppedCall = bed.proxy.seen.find((call) => call.body.task === arn && call.body.status === 'STOPPED')!;
    expect(stoppedCall.body.containers![0]).toMatchObject({ containerName: 'main', status: 'STOPPED', exitCode: 5, runtimeId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(existsSync(path.join(bed.harness.agentDir, 'ecs_agent_data.json'))).toBe(true);
  });

  test('cleans a task up after ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION once STOPPED was reported: containers, task volumes and state', async () => {
    const [arn] = await cleanupBed.run(
      definition('cleanup', [container('main', 'echo x > /v/f; exit 0', { mountPoints: [{ sourceVolume: 'v', containerPath: '/v' }] })], {
        volumes: [{ name: 'v', dockerVolumeConfiguration: { scope: 'task', driver: 'local' } }],
      }),
    );
    const stopped = await cleanupBed.waitForStatus(arn!, 'STOPPED');
    expect(EngineTestBed.exitCodes(stopped)).toEqual({ main: 0 });
    const engine = cleanupAgent.engine();
    await waitFor('the task to be cleaned up', () => !engine.hasTask(arn!), 30_000);
    expect(cleanupBed.containers()).toEqual([]);
    const volumes = execFileSync('docker', ['volume', 'ls', '-q', '--filter', `name=ecs-cleanup-${cleanupBed.runId}`], { encoding: 'utf8' }).trim();
    expect(volumes).toBe('');
    await waitFor('the checkpoint without the task', () => !readFileSync(path.join(cleanupBed.harness.agentDir, 'ecs_agent_data.json'), 'utf8').includes(arn!), 10_000);
  });

  test('reports a container removed behind its back as STOPPED with the reason', async () => {
    const [arn] = await bed.run(definition('vanish', [container('main', 'sleep 600')]));
    const running = await bed.waitForStatus(arn!, 'RUNNING');
    execFileSync('docker', ['rm', '-f', running.containers![0]!.runtimeId!]);
    const stopped = await bed.waitForStatus(arn!, 'STOPPED');
    expect(stopped.containers![0]!.reason).toMatch(/^ContainerVanishedError: /);
  });

  test('reports an OOM-killed container with exit code 137 and the OutOfMemoryError reason', async () => {
    const stopped = await runToStop(definition('oom', [container('main', 'exec tail /dev/zero', { memory: 16 })]));
    expect(stopped.containers![0]).toMatchObject({ exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' });
  });

  test('stops a stopped task container that is started again behind its back, once; a second start is left alone', async () => {
    // Exits at once on its first run; any later run sleeps (PID 1 ignores SIGTERM: the stop kills it after 2 s).
    const stopped = await runToStop(definition('restarted', [container('main', '[ -f /ran ] && exec sleep 600; touch /ran; exit 0')]));
    const id = stopped.containers![0]!.runtimeId!;
    const engine = agent.engine();
    await engine.whenReported();
    const reported = bed.proxy.changesFor(stopped.taskArn!);
    const noticed = () => agent.logger.records.filter((record) => record.fields.runtimeId === id && /running again/.test(record.msg)).map((record) => record.level);
    execFileSync('docker', ['start', id]);
    await waitFor('the agent to notice the start', () => noticed().length === 1, 30_000);
    expect(noticed()).toEqual(['warn']);
    const { stdout: exitCode } = await promisify(execFile)('docker', ['wait', id]);
    expect(exitCode.trim()).toBe('137');
    execFileSync('docker', ['start', id]);
    await waitFor('the agent to notice the second start', () => noticed().length === 2, 30_000);
    expect(noticed()).toEqual(['warn', 'info']);
    expect(inspect(id).State.Running).toBe(true);
    const task = engine.tasks().find((candidate) => candidate.arn === stopped.taskArn)!;
    expect([task.knownStatus, task.containers[0]!.knownStatus, task.containers[0]!.knownExitCode]).toEqual(['STOPPED', 'STOPPED', 0]);
    await engine.whenReported();
    expect(bed.proxy.changesFor(stopped.taskArn!)).toEqual(reported);
  });
});
