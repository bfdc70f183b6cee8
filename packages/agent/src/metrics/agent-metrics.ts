// The agent's Prometheus metrics (ECS_ENABLE_PROMETHEUS_METRICS): health, ACS/TCS sessions, state
// changes ECS has not accepted yet, tasks by status, and each running container's CPU and memory.
// Every value is read at scrape time, so nothing is kept or updated between scrapes.
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { isBackendRecognizedTaskStatus, shouldReportContainerStatus, TASK_STATUSES, taskStatusToJson, type Task } from '../api';
import type { DockerStatsJson } from '../stats';

export interface MetricsSources {
  /** Resolves true when the agent can do its work (Docker answers); called once per scrape. */
  healthy(): Promise<boolean>;
  /** Open ACS / TCS websocket sessions (0 or 1). */
  acsConnected(): boolean;
  tcsConnected(): boolean;
  tasks(): readonly Task[];
  latestDockerStats(dockerId: string): DockerStatsJson | undefined;
}

/** The registry a scrape reads, with the Node process metrics under the same prefix. */
export function agentMetricsRegistry(sources: MetricsSources, labels: { version: string; commit: string }): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ecs_agent_' });

  new Gauge({
    name: 'ecs_agent_info',
    help: 'Agent version and commit (always 1).',
    labelNames: ['version', 'commit'],
    registers: [registry],
    collect() {
      this.set(labels, 1);
    },
  });
  new Gauge({
    name: 'ecs_agent_healthy',
    help: '1 when the agent can reach the Docker daemon, else 0.',
    registers: [registry],
    async collect() {
      this.set((await sources.healthy().catch(() => false)) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ecs_agent_session_connected',
    help: '1 while the ACS or TCS websocket session is open.',
    labelNames: ['service'],
    registers: [registry],
    collect() {
      this.set({ service: 'acs' }, sources.acsConnected() ? 1 : 0);
      this.set({ service: 'tcs' }, sources.tcsConnected() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ecs_agent_state_changes_pending',
    help: 'Task and container state changes the agent knows of and ECS has not accepted yet.',
    registers: [registry],
    collect() {
      this.set(pendingStateChanges(sources.tasks()));
    },
  });
  new Gauge({
    name: 'ecs_agent_tasks',
    help: 'Tasks the agent holds, by known status.',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const status of TASK_STATUSES) counts.set(taskStatusToJson(status), 0);
      for (const task of sources.tasks()) counts.set(taskStatusToJson(task.knownStatus), (counts.get(taskStatusToJson(task.knownStatus)) ?? 0) + 1);
      for (const [status, count] of counts) this.set({ status }, count);
    },
  });

  const containerLabels = ['task_arn', 'container_name', 'docker_id'] as const;
  const perContainer = (name: string, help: string, value: (stats: DockerStatsJson) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: containerLabels,
      registers: [registry],
      collect() {
        // Stopped containers drop out: their last values must not linger.
        this.reset();
        for (const task of sources.tasks()) {
          for (const container of task.containers) {
            if (container.knownStatus !== 'RUNNING' || !container.runtimeId) continue;
            const stats = sources.latestDockerStats(container.runtimeId);
            const measured = stats && value(stats);
            if (measured === undefined) continue;
            this.set({ task_arn: task.arn, container_name: container.name, docker_id: container.runtimeId }, measured);
          }
        }
      },
    });
  perContainer('ecs_container_cpu_usage_seconds', 'CPU time the container has used (cgroup cpuacct), in seconds.', (stats) => stats.cpu_stats.cpu_usage.total_usage / 1e9);
  perContainer('ecs_container_memory_usage_bytes', 'Memory the container uses, in bytes.', (stats) => stats.memory_stats.usage);
  perContainer('ecs_container_memory_limit_bytes', "The container's memory limit, in bytes.", (stats) => stats.memory_stats.limit);
  return registry;
}

/**
 * What is still to be reported: tasks whose RUNNING/STOPPED was not sent, and containers whose steady
 * state or STOPPED was not sent (what the engine's state-change queue holds or is about to).
 */
export function pendingStateChanges(tasks: readonly Task[]): number {
  let pending = 0;
  for (const task of tasks) {
    if (isBackendRecognizedTaskStatus(task.knownStatus) && task.sentStatus !== task.knownStatus) pending += 1;
    for (const container of task.containers) {
      if (container.type !== 'NORMAL') continue;
      if (shouldReportContainerStatus(container.knownStatus, container.steadyState) && container.sentStatus !== container.knownStatus) pending += 1;
    }
  }
  return pending;
}
