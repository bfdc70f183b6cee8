// Task statuses (agent/api/task/status) and how they map to and from container statuses.
import type { ContainerStatus, ContainerSteadyState, StatusParseResult } from './container-status';

/** In upstream's order. PULLED exists in the order but no task is ever put in it. */
export const TASK_STATUSES = ['NONE', 'PULLED', 'CREATED', 'RUNNING', 'STOPPED', 'ZOMBIE'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** What ECS sees: SubmitTaskStateChange and DescribeTasks know only these. */
export type BackendTaskStatus = 'PENDING' | 'RUNNING' | 'STOPPED';

const RANK: Readonly<Record<TaskStatus, number>> = Object.fromEntries(TASK_STATUSES.map((status, index) => [status, index])) as Record<TaskStatus, number>;

export function taskStatusRank(status: TaskStatus): number {
  return RANK[status];
}

export function taskStatusBefore(a: TaskStatus, b: TaskStatus): boolean {
  return RANK[a] < RANK[b];
}

export function laterTaskStatus(current: TaskStatus, candidate: TaskStatus): TaskStatus {
  return RANK[candidate] > RANK[current] ? candidate : current;
}

export function isTaskTerminal(status: TaskStatus): boolean {
  return status === 'STOPPED';
}

export function backendTaskStatus(status: TaskStatus): BackendTaskStatus {
  return status === 'RUNNING' || status === 'STOPPED' ? status : 'PENDING';
}

/** Only RUNNING and STOPPED are reported to ECS. */
export function isBackendRecognizedTaskStatus(status: TaskStatus): boolean {
  return status === 'RUNNING' || status === 'STOPPED';
}

/** The strings upstream writes ("PULLED" and "ZOMBIE" have none and are written as NONE). */
export function taskStatusToJson(status: TaskStatus): string {
  return status === 'PULLED' || status === 'ZOMBIE' ? 'NONE' : status;
}

/** null is NONE; anything but NONE/CREATED/RUNNING/STOPPED is an error. */
export function taskStatusFromJson(value: unknown): StatusParseResult<TaskStatus> {
  if (value === null || value === undefined) return { ok: true, status: 'NONE' };
  if (value === 'NONE' || value === 'CREATED' || value === 'RUNNING' || value === 'STOPPED') return { ok: true, status: value };
  return { ok: false, error: `unrecognized task status ${JSON.stringify(value)}` };
}

/**
 * The task status one container's known status stands for. The minimum of these over the containers
 * is the task's known status. A RUNNING container whose steady state is RESOURCES_PROVISIONED (the
 * pause container before its network is set up) only counts as CREATED; PULLED counts as NONE.
 */
export function containerToTaskStatus(known: ContainerStatus, steadyState: ContainerSteadyState): TaskStatus {
  if (known === 'NONE') return 'NONE';
  if (known === steadyState) return 'RUNNING';
  if (known === 'CREATED') return 'CREATED';
  if (known === 'STOPPED') return 'STOPPED';
  if (known === 'RUNNING' && steadyState === 'RESOURCES_PROVISIONED') return 'CREATED';
  return 'NONE';
}

/** The container desired status a task desired status asks for. */
export function taskToContainerStatus(desired: TaskStatus, steadyState: ContainerSteadyState): ContainerStatus {
  switch (desired) {
    case 'CREATED':
      return 'CREATED';
    case 'RUNNING':
      return steadyState;
    case 'STOPPED':
      return 'STOPPED';
    default:
      return 'NONE';
  }
}
