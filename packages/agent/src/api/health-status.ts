// Docker health-check state of a container, as the agent tracks and reports it.

export type HealthStatus = 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY';

export interface ContainerHealth {
  readonly status: HealthStatus;
  /** When the status last changed (ISO 8601). */
  readonly since?: string;
  /** Exit code of the last probe. */
  readonly exitCode?: number;
  /** Output of the last probe, at most 1024 characters. */
  readonly output?: string;
}

export const UNKNOWN_HEALTH: ContainerHealth = { status: 'UNKNOWN' };
