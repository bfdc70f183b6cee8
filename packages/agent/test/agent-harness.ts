import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeContainerInstancesCommand, ECSClient, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
// The control plane depends on this package (for the wire module), so it is imported by path rather
// than as a dependency, which would make the workspace cyclic.
import { DEFAULT_CREDENTIALS, DEFAULT_REGION, LocalControlPlane, type LocalControlPlaneOptions } from '../../control-plane/src';
import { runAgent, type AgentRuntime } from '../src/app';
import { unavailableInstanceMetadata } from '../src/credentials';
import { RecordingTaskEngine } from '../src/engine';
import { wsConnector, type WsConnection, type WsConnector } from '../src/wsclient';
import { recordingLogger } from './fakes/recording-logger';

/** Short timers so reconnects and publications happen within a test. */
export const FAST_ACS = {
  heartbeatTimeoutMs: 3_000,
  heartbeatJitterMs: 0,
  backoff: { min: 100, max: 1_000, multiple: 1.5, jitter: 0.2 },
  inactiveInstanceWaitMs: 60_000,
};
export const FAST_TCS = { heartbeatTimeoutMs: 3_000, heartbeatJitterMs: 0, publishIntervalMs: 200, backoff: { min: 100, max: 1_000, multiple: 2, jitter: 0.2 } };
export const FAST_CONTROL_PLANE: Partial<LocalControlPlaneOptions> = { heartbeatIntervalMs: 200, redeliveryTimeoutMs: 1_000, manifestIntervalMs: 60_000 };

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A connector that lets a test push a frame into the agent's session as if the server had sent it. */
export class TappedConnector implements WsConnector {
  readonly connections: { url: URL; inject(text: string): void }[] = [];
  constructor(private readonly inner: WsConnector) {}

  async connect(url: URL, headers: Record<string, string>): Promise<WsConnection> {
    const connection = await this.inner.connect(url, headers);
    const listeners: ((text: string) => void)[] = [];
    this.connections.push({ url, inject: (text) => listeners.forEach((listener) => listener(text)) });
    return {
      send: (text) => connection.send(text),
      close: (code, reason) => connection.close(code, reason),
      closed: connection.closed,
      onMessage: (listener) => {
        listeners.push(listener);
        connection.onMessage(listener);
      },
    };
  }

  acsConnections() {
    return this.connections.filter((c) => c.url.pathname === '/ws');
  }
}

export interface Harness {
  controlPlane: LocalControlPlane;
  endpoint: string;
  port: number;
  dataDir: string;
  agentDir: string;
  api: ECSClient;
  cleanup(): Promise<void>;
}

export async function startControlPlane(options: Partial<LocalControlPlaneOptions> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ecs-cp-'));
  const agentDir = mkdtempSync(path.join(tmpdir(), 'ecs-agent-'));
  const controlPlane = new LocalControlPlane({ dataDir, port: 0, ...FAST_CONTROL_PLANE, ...options });
  const { endpoint, port } = await controlPlane.start();
  const api = new ECSClient({ region: DEFAULT_REGION, endpoint, credentials: DEFAULT_CREDENTIALS });
  const harness: Harness = {
    controlPlane,
    endpoint,
    port,
    dataDir,
    agentDir,
    api,
    async cleanup() {
      api.destroy();
      await harness.controlPlane.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(agentDir, { recursive: true, force: true });
    },
  };
  return harness;
}

export interface RunningAgent {
  engine: RecordingTaskEngine;
  logger: ReturnType<typeof recordingLogger>;
  connector: TappedConnector;
  exit: Promise<number>;
  stop(): Promise<number>;
}

/** The agent in-process against the harness, with the environment a user would set. */
export function startAgent(harness: Harness, env: Record<string, string> = {}, overrides: Partial<AgentRuntime> = {}): RunningAgent {
  const engine = new RecordingTaskEngine();
  const logger = recordingLogger();
  const connector = new TappedConnector(wsConnector({ acceptInsecureCert: false }));
  const controller = new AbortController();
  const exit = runAgent({
    env: {
      AWS_ACCESS_KEY_ID: DEFAULT_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEFAULT_CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: DEFAULT_REGION,
      ECS_BACKEND_HOST: harness.endpoint,
      ECS_DATADIR: harness.agentDir,
      ...env,
    },
    signal: controller.signal,
    logger,
    readConfigFile: () => undefined,
    instanceMetadata: unavailableInstanceMetadata('tests run off EC2'),
    host: { capacity: () => ({ cpuCount: 2, memoryMiB: 4096 }), dockerVersion: async () => '20.10.5' },
    connector,
    engine,
    acsTimings: FAST_ACS,
    tcsTimings: FAST_TCS,
    ...overrides,
  });
  return {
    engine,
    logger,
    connector,
    exit,
    stop: async () => {
      controller.abort();
      return exit;
    },
  };
}

/** The one container instance of `cluster`, once the agent has registered it, read with the SDK. */
export async function describeInstance(harness: Harness, cluster: string) {
  const arn = await waitFor('the container instance', async () => {
    const listed = await harness.api.send(new ListContainerInstancesCommand({ cluster })).catch(() => undefined);
    return listed?.containerInstanceArns?.[0];
  });
  const answer = await harness.api.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [arn] }));
  return answer.containerInstances![0]!;
}
