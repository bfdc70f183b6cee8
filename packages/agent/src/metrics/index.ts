// Prometheus metrics (ECS_ENABLE_PROMETHEUS_METRICS) on port 51680.
export { agentMetricsRegistry, pendingStateChanges, type MetricsSources } from './agent-metrics';
export { startMetricsServer, type RunningMetricsServer } from './metrics-server';
export { trackConnections, type TrackedConnector } from './session-gauge';
