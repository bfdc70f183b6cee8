// Prometheus metrics (ECS_ENABLE_PROMETHEUS_METRICS) on port 51680.
import type { Logger } from '@fractal-ecs/common';
import type { MetricsSources } from './agent-metrics';
import type { RunningMetricsServer } from './metrics-server';

export type { MetricsSources } from './agent-metrics';
export type { RunningMetricsServer } from './metrics-server';
export { trackConnections, type TrackedConnector } from './session-gauge';

/**
 * The registry and its endpoint. prom-client is loaded here, when the setting is on, rather than at
 * start: most agents run without it.
 */
export async function startPrometheusEndpoint(
  sources: MetricsSources,
  build: { version: string; commit: string },
  host: string,
  port: number,
  logger: Logger,
): Promise<RunningMetricsServer> {
  const [{ agentMetricsRegistry }, { startMetricsServer }] = await Promise.all([import('./agent-metrics'), import('./metrics-server')]);
  return startMetricsServer(agentMetricsRegistry(sources, build), host, port, logger);
}
