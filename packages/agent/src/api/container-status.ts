// Container statuses as upstream orders them (agent/api/container/status). A status is stored as its
// name so the model stays plain JSON; `containerStatusRank` gives the order every comparison uses.

/** In upstream's order: a container only ever moves to a later status. */
export const CONTAINER_STATUSES = ['NONE', 'PULLED', 'CREATED', 'RUNNING', 'RESOURCES_PROVISIONED', 'STOPPED', 'ZOMBIE'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

/** The status a container rests in while its task runs: RUNNING, or RESOURCES_PROVISIONED for the awsvpc pause container. */
export type ContainerSteadyState = Extract<ContainerStatus, 'RUNNING' | 'RESOURCES_PROVISIONED'>;

const RANK: Readonly<Record<ContainerStatus, number>> = Object.fromEntries(CONTAINER_STATUSES.map((status, index) => [status, index])) as Record<
  ContainerStatus,
  number
>;

export function containerStatusRank(status: ContainerStatus): number {
  return RANK[status];
}

/** a < b in upstream's order. */
export function containerStatusBefore(a: ContainerStatus, b: ContainerStatus): boolean {
  return RANK[a] < RANK[b];
}

/** The later of two statuses: how a known or desired status is raised without ever going back. */
export function laterContainerStatus(current: ContainerStatus, candidate: ContainerStatus): ContainerStatus {
  return RANK[candidate] > RANK[current] ? candidate : current;
}

export function isContainerRunning(status: ContainerStatus): boolean {
  return status === 'RUNNING' || status === 'RESOURCES_PROVISIONED';
}

export function isContainerTerminal(status: ContainerStatus): boolean {
  return status === 'STOPPED';
}

/** Only the steady state and STOPPED are worth a SubmitContainerStateChange / task-change container entry. */
export function shouldReportContainerStatus(status: ContainerStatus, steadyState: ContainerSteadyState): boolean {
  return status === steadyState || status === 'STOPPED';
}

/** The strings upstream writes; ZOMBIE has none of its own and is written as NONE. */
export function containerStatusToJson(status: ContainerStatus): string {
  return status === 'ZOMBIE' ? 'NONE' : status;
}

export type StatusParseResult<S> = { ok: true; status: S } | { ok: false; error: string };

/**
 * Reads a status as upstream does: null is NONE, and v1.0.0 state files' "UNKNOWN" and "DEAD" are
 * NONE and STOPPED. Anything else unknown is an error (upstream also errors).
 */
export function containerStatusFromJson(value: unknown): StatusParseResult<ContainerStatus> {
  if (value === null || value === undefined) return { ok: true, status: 'NONE' };
  if (typeof value !== 'string') return { ok: false, error: `container status must be a string or null, got ${JSON.stringify(value)}` };
  if (value === 'UNKNOWN') return { ok: true, status: 'NONE' };
  if (value === 'DEAD') return { ok: true, status: 'STOPPED' };
  if (value !== 'ZOMBIE' && (CONTAINER_STATUSES as readonly string[]).includes(value)) return { ok: true, status: value as ContainerStatus };
  return { ok: false, error: `unrecognized container status ${JSON.stringify(value)}` };
}
