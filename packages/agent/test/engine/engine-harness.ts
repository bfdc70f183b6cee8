import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type RegisterTaskDefinitionCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import { DEFAULT_CREDENTIALS, DEFAULT_REGION, type LocalControlPlaneOptions } from '../../../control-plane/src';
import { runAgent, type AgentRuntime } from '../../src/app';
import { unavailableInstanceMetadata } from '../../src/credentials';
import type { DockerTaskEngine } from '../../src/engine';
import { CgroupTree, detectCgroupVersion } from '../../src/taskresource/cgroup';
import { FAST_ACS, FAST_TCS, startControlPlane, waitFor, type Harness } from '../agent-harness';
import { recordingLogger } from '../fakes/recording-logger';
import { RecordingProxy } from './recording-proxy';

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface AgentHandle {
  engine: () => DockerTaskEngine;
  logger: ReturnType<typeof recordingLogger>;
  exit: Promise<number>;
  stop(): Promise<number>;
}

/**
 * A control plane behind a recording proxy, a cluster named after the test run, and an agent running
 * the real Docker task engine in this process. Everything the agent creates carries the cluster label
 * (and task volumes the run ID), which cleanup() removes.
 */
export class EngineTestBed {
  readonly runId = randomBytes(4).toString('hex');
  readonly cluster = `engine-test-${this.runId}`;
  harness!: Harness;
  proxy!: RecordingProxy;
  endpoint!: string;
  readonly agents: AgentHandle[] = [];
  /** Tasks started here: their cgroups (/ecs/<task id>, task limits are on by default) go at cleanup. */
  readonly taskArns: string[] = [];

  /** `controlPlane`: options over the tests' fast timings (the benchmarks run at production ones). */
  async start(controlPlane: Partial<LocalControlPlaneOptions> = {}): Promise<this> {
    this.harness = await startControlPlane(controlPlane);
    this.proxy = new RecordingProxy(this.harness.port);
    this.endpoint = await this.proxy.start();
    await this.harness.api.send(new CreateClusterCommand({ clusterName: this.cluster }));
    return this;
  }

  /** The environment the agent runs with (a user's ECS_* variables on top). */
  agentEnv(env: Record<string, string> = {}): Record<string, string> {
    return {
      AWS_ACCESS_KEY_ID: DEFAULT_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEFAULT_CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: DEFAULT_REGION,
      ECS_BACKEND_HOST: this.endpoint,
      ECS_DATADIR: this.harness.agentDir,
      ECS_CLUSTER: this.cluster,
      ECS_IMAGE_PULL_BEHAVIOR: 'prefer-cached',
      ECS_DISABLE_METRICS: 'true',
      ...env,
    };
  }

  startAgent(env: Record<string, string> = {}, overrides: Partial<AgentRuntime> = {}): AgentHandle {
    const logger = recordingLogger();
    const controller = new AbortController();
    let engine: DockerTaskEngine | undefined;
    const exit = runAgent({
      env: this.agentEnv(env),
      signal: controller.signal,
      logger,
      readConfigFile: () => undefined,
      instanceMetadata: unavailableInstanceMetadata('tests run off EC2'),
      host: { capacity: () => ({ cpuCount: 2, memoryMiB: 4096 }), dockerVersion: async () => '20.10.24' },
      acsTimings: FAST_ACS,
      tcsTimings: FAST_TCS,
      engineSettings: { drainIntervalMs: [200, 400], cleanupWaitMs: 3_600_000, cleanupWaitJitterMs: 0 },
      introspectionPort: 0,
      onEngine: (started) => (engine = started),
      ...overrides,
    });
    const handle: AgentHandle = {
      engine: () => {
        if (!engine) throw new Error('the engine has not started');
        return engine;
      },
      logger,
      exit,
      stop: async () => {
        controller.abort();
        return exit;
      },
    };
    this.agents.push(handle);
    return handle;
  }

  async waitForEngine(agent: AgentHandle): Promise<DockerTaskEngine> {
    return waitFor('the engine to start', () => {
      try {
        return agent.engine();
      } catch {
        return undefined;
      }
    });
  }

  /** Registers the definition under a family unique to this run; returns its ARN. */
  async register(definition: RegisterTaskDefinitionCommandInput): Promise<string> {
    const registered = await this.harness.api.send(new RegisterTaskDefinitionCommand({ ...definition, family: `${definition.family}-${this.runId}` }));
    return registered.taskDefinition!.taskDefinitionArn!;
  }

  async run(definition: RegisterTaskDefinitionCommandInput | string, count = 1): Promise<string[]> {
    const arn = typeof definition === 'string' ? definition : await this.register(definition);
    const answer = await this.harness.api.send(new RunTaskCommand({ cluster: this.cluster, taskDefinition: arn, count }));
    if (answer.failures?.length) throw new Error(`RunTask failed: ${JSON.stringify(answer.failures)}`);
    const arns = answer.tasks!.map((task) => task.taskArn!);
    this.taskArns.push(...arns);
    return arns;
  }

  async describe(taskArn: string): Promise<Task> {
    const answer = await this.harness.api.send(new DescribeTasksCommand({ cluster: this.cluster, tasks: [taskArn] }));
    return answer.tasks![0]!;
  }

  /**
   * Waits until the agent has reported the task at `status` (RUNNING or STOPPED), then reads it back from
   * the control plane. The wait watches the proxy's record rather than polling the API, which would
   * load the one event loop the agent and the control plane share.
   */
  async waitForStatus(taskArn: string, status: 'RUNNING' | 'STOPPED', timeoutMs = 60_000): Promise<Task> {
    const deadline = Date.now() + timeoutMs;
    while (!this.proxy.changesFor(taskArn).includes(`task:${status}`)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for task ${taskArn} ${status}; reported: ${this.proxy.changesFor(taskArn).join(', ') || 'nothing'}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return this.describe(taskArn);
  }

  async stopTask(taskArn: string): Promise<void> {
    await this.harness.api.send(new StopTaskCommand({ cluster: this.cluster, task: taskArn }));
  }

  /** Exit codes by container name, as the control plane recorded them. */
  static exitCodes(task: Task): Record<string, number | null> {
    return Object.fromEntries((task.containers ?? []).map((container) => [container.name!, container.exitCode ?? null]));
  }

  /** Docker containers of this run (by the cluster label), as `docker ps -a` shows them. */
  containers(): { id: string; name: string; state: string }[] {
    const out = execFileSync('docker', ['ps', '-a', '--filter', `label=com.amazonaws.ecs.cluster=${this.cluster}`, '--format', '{{.ID}} {{.Names}} {{.State}}'], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id, name, state] = line.split(' ');
        return { id: id!, name: name!, state: state! };
      });
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.agents.map((agent) => agent.stop()));
    // ENGINE_TEST_LOG=<file> keeps what the agents logged, for a failing run.
    if (process.env.ENGINE_TEST_LOG) writeFileSync(process.env.ENGINE_TEST_LOG, this.agents.map((agent) => agent.logger.text()).join('\n'));
    const ids = this.containers().map((container) => container.id);
    if (ids.length) execFileSync('docker', ['rm', '-f', '-v', ...ids], { stdio: 'ignore' });
    const cgroupVersion = detectCgroupVersion('/sys/fs/cgroup');
    if (cgroupVersion) {
      const tree = new CgroupTree('/sys/fs/cgroup', cgroupVersion);
      for (const arn of this.taskArns) await tree.removeCgroup(`/ecs/${arn.slice(arn.lastIndexOf('/') + 1)}`).catch(() => undefined);
    }
    const volumes = execFileSync('docker', ['volume', 'ls', '-q', '--filter', `name=${this.runId}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (volumes.length) execFileSync('docker', ['volume', 'rm', '-f', ...volumes], { stdio: 'ignore' });
    await this.proxy.stop();
    await this.harness.cleanup();
  }
}
