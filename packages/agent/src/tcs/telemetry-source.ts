import type { TaskHealth, TaskMetric } from '../wire';

/**
 * Where TCS publications come from; the stats engine fills it in a later issue. `taskMetrics` resolves
 * undefined when tasks exist but have too few samples yet (upstream's EmptyMetricsError: nothing is
 * sent that tick); an empty list means no task has containers (an idle publication).
 */
export interface TelemetrySource {
  taskMetrics(): Promise<TaskMetric[] | undefined>;
  /** Only tasks with containers under a Docker health check. */
  taskHealth(): Promise<TaskHealth[]>;
}

/** No tasks run yet: every metrics tick publishes the idle message, health publishes nothing. */
export const emptyTelemetrySource: TelemetrySource = {
  taskMetrics: async () => [],
  taskHealth: async () => [],
};
