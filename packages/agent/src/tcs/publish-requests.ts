import { TCS_TASKS_PER_MESSAGE, type PublishHealthRequest, type PublishMetricsRequest, type TaskHealth, type TaskMetric } from '../wire';

export interface TelemetryInstance {
  readonly cluster: string;
  readonly containerInstanceArn: string;
}

/**
 * One metrics publication: tasks with container metrics in chunks of 10, fin on the last; with none at
 * all, a single idle message. Every chunk shares the publication's messageId and timestamp (epoch s).
 */
export function buildMetricsRequests(instance: TelemetryInstance, messageId: string, tasks: readonly TaskMetric[], timestamp: number): PublishMetricsRequest[] {
  const withContainers = tasks.filter((task) => (task.containerMetrics?.length ?? 0) > 0);
  const metadata = (idle: boolean, fin: boolean) => ({ cluster: instance.cluster, containerInstance: instance.containerInstanceArn, messageId, idle, fin });
  if (withContainers.length === 0) return [{ metadata: metadata(true, true), taskMetrics: [], timestamp }];
  return chunk(withContainers).map((taskMetrics, index, all) => ({ metadata: metadata(false, index === all.length - 1), taskMetrics, timestamp }));
}

/** One health publication in chunks of 10, fin on the last; nothing when no task has a health check. */
export function buildHealthRequests(instance: TelemetryInstance, messageId: string, tasks: readonly TaskHealth[], timestamp: number): PublishHealthRequest[] {
  return chunk(tasks).map((chunkTasks, index, all) => ({
    metadata: { cluster: instance.cluster, containerInstance: instance.containerInstanceArn, messageId, fin: index === all.length - 1 },
    tasks: chunkTasks,
    timestamp,
  }));
}

function chunk<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += TCS_TASKS_PER_MESSAGE) out.push(items.slice(start, start + TCS_TASKS_PER_MESSAGE));
  return out;
}
