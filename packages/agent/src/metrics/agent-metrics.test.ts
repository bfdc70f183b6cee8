import { testContainer } from '../api/test-support';
import type { Container, Task } from '../api';
import type { DockerStatsJson } from '../stats';
import type { CloseInfo, WsConnection } from '../wsclient';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { agentMetricsRegistry, pendingStateChanges, type MetricsSources } from './agent-metrics';
import { startMetricsServer } from './metrics-server';
import { trackConnections } from './session-gauge';

const ARN = 'arn:aws:ecs:us-west-2:1:task/default/t1';

function container(name: string, fields: Partial<Container>): Container {
  return testContainer(name, { memory: 0, v3EndpointId: name, ...fields });
}

function task(arn: string, knownStatus: Task['knownStatus'], sentStatus: Task['sentStatus'], containers: Container[]): Task {
  return { arn, family: 'f', version: '1', containers, volumes: [], cpu: 0, memory: 0, networkMode: 'bridge', startSequenceNumber: 0, stopSequenceNumber: 0, desiredStatus: 'RUNNING', knownStatus, sentStatus };
}

const stats = (totalUsageNs: number, usage: number, limit: number) =>
  ({ cpu_stats: { cpu_usage: { total_usage: totalUsageNs } }, memory_stats: { usage, limit } }) as unknown as DockerStatsJson;

function sources(tasks: Task[], samples: Record<string, DockerStatsJson>, fields: Partial<MetricsSources> = {}): MetricsSources {
  return {
    healthy: async () => true,
    acsConnected: () => true,
    tcsConnected: () => false,
    tasks: () => tasks,
    latestDockerStats: (id) => samples[id],
    ...fields,
  };
}

/** The value of one series in the exposition text. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('agent metrics', () => {
  const tasks = [
    task(ARN, 'RUNNING', 'RUNNING', [container('web', { knownStatus: 'RUNNING', sentStatus: 'RUNNING', runtimeId: 'aaa' }), container('done', { knownStatus: 'STOPPED', sentStatus: 'RUNNING', runtimeId: 'bbb' })]),
    task('arn:aws:ecs:us-west-2:1:task/default/t2', 'STOPPED', 'RUNNING', []),
    task('arn:aws:ecs:us-west-2:1:task/default/t3', 'NONE', 'NONE', [container('pulling', {})]),
  ];

  it('exposes health, sessions, pending state changes, tasks by status and running containers', async () => {
    const registry = agentMetricsRegistry(sources(tasks, { aaa: stats(2_500_000_000, 4096, 65536), bbb: stats(1, 1, 1) }), { version: '1.50.2', commit: 'abc' });
    const text = await registry.metrics();
    expect(value(text, 'ecs_agent_info{version="1.50.2",commit="abc"}')).toBe(1);
    expect(value(text, 'ecs_agent_healthy')).toBe(1);
    expect(value(text, 'ecs_agent_session_connected{service="acs"}')).toBe(1);
    expect(value(text, 'ecs_agent_session_connected{service="tcs"}')).toBe(0);
    // t2's STOPPED and the `done` container's STOPPED are not sent yet.
    expect(value(text, 'ecs_agent_state_changes_pending')).toBe(2);
    expect(value(text, 'ecs_agent_tasks{status="RUNNING"}')).toBe(1);
    expect(value(text, 'ecs_agent_tasks{status="STOPPED"}')).toBe(1);
    expect(value(text, 'ecs_agent_tasks{status="NONE"}')).toBe(1);
    expect(value(text, 'ecs_agent_tasks{status="CREATED"}')).toBe(0);
    const labels = `{task_arn="${ARN}",container_name="web",docker_id="aaa"}`;
    expect(value(text, `ecs_container_cpu_usage_seconds${labels}`)).toBe(2.5);
    expect(value(text, `ecs_container_memory_usage_bytes${labels}`)).toBe(4096);
    expect(value(text, `ecs_container_memory_limit_bytes${labels}`)).toBe(65536);
    // A stopped container is not a series, and process metrics come with the agent prefix.
    expect(text).not.toContain('docker_id="bbb"');
    expect(text).toContain('ecs_agent_process_resident_memory_bytes');
  });

  it('reports unhealthy when the Docker check fails', async () => {
    const registry = agentMetricsRegistry(sources([], {}, { healthy: async () => Promise.reject(new Error('connect ENOENT /var/run/docker.sock')) }), { version: 'v', commit: 'c' });
    expect(value(await registry.metrics(), 'ecs_agent_healthy')).toBe(0);
  });

  it('drops a container series once the container stops', async () => {
    const web = container('web', { knownStatus: 'RUNNING', runtimeId: 'aaa' });
    const registry = agentMetricsRegistry(sources([task(ARN, 'RUNNING', 'RUNNING', [web])], { aaa: stats(1e9, 1, 2) }), { version: 'v', commit: 'c' });
    expect(await registry.metrics()).toContain('docker_id="aaa"');
    web.knownStatus = 'STOPPED';
    expect(await registry.metrics()).not.toContain('docker_id="aaa"');
  });

  it('counts only reportable container statuses as pending', () => {
    expect(pendingStateChanges([task(ARN, 'CREATED', 'NONE', [container('c', { knownStatus: 'CREATED', sentStatus: 'NONE' })])])).toBe(0);
  });

  it('serves /metrics over HTTP in the Prometheus text format, 404 elsewhere', async () => {
    const registry = agentMetricsRegistry(sources(tasks, {}), { version: 'v', commit: 'c' });
    const server = await startMetricsServer(registry, '127.0.0.1', 0, recordingLogger());
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await response.text()).toContain('# TYPE ecs_agent_tasks gauge');
      expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('session tracking', () => {
  it('is connected while a connection through the connector is open', async () => {
    let close!: (info: CloseInfo) => void;
    const connection: WsConnection = {
      send: async () => undefined,
      close: () => undefined,
      onMessage: () => undefined,
      closed: new Promise<CloseInfo>((resolve) => (close = resolve)),
    };
    const tracked = trackConnections({ connect: async () => connection });
    expect(tracked.connected()).toBe(false);
    await tracked.connect(new URL('wss://ecs-a-1.us-west-2.amazonaws.com/ws'), {});
    expect(tracked.connected()).toBe(true);
    close({ code: 1000, reason: '' });
    await connection.closed;
    await new Promise((resolve) => setImmediate(resolve));
    expect(tracked.connected()).toBe(false);
  });
});
