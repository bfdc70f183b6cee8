import {
  containerStatusBefore,
  containerToTaskStatus,
  laterContainerStatus,
  laterTaskStatus,
  taskStatusBefore,
  taskToContainerStatus,
  type ApplyingError,
  type Container,
  type ContainerMount,
  type ContainerNetwork,
  type ContainerStatus,
  type PortBinding,
  type Task,
} from '../api';

// Upstream's task status rules (UpdateDesiredStatus, updateTaskKnownStatus) and the forward-only
// application of what the agent learns about a container. Pure over the model; the caller saves.

/**
 * An essential container that stopped (or is told to stop) stops the task; the task's desired status
 * then raises every container's desired status. Returns true when anything changed.
 */
export function updateDesiredStatus(task: Task, now: Date): boolean {
  let changed = false;
  const essentialDone = task.containers.some((container) => container.essential && (container.knownStatus === 'STOPPED' || container.desiredStatus === 'STOPPED'));
  if (essentialDone && task.desiredStatus !== 'STOPPED') {
    task.desiredStatus = 'STOPPED';
    changed = true;
  }
  if (!task.executionStoppedAt && task.containers.some((container) => container.essential && container.knownStatus === 'STOPPED')) {
    task.executionStoppedAt = now.toISOString();
    changed = true;
  }
  for (const container of task.containers) {
    const wanted = taskToContainerStatus(task.desiredStatus, container.steadyState);
    const raised = laterContainerStatus(container.desiredStatus, wanted);
    if (raised !== container.desiredStatus) {
      container.desiredStatus = raised;
      changed = true;
    }
  }
  return changed;
}

/** The task's known status is the least advanced of its containers', and only moves forward. */
export function updateKnownStatus(task: Task, now: Date): boolean {
  if (task.containers.length === 0) return false;
  let least = containerToTaskStatus(task.containers[0]!.knownStatus, task.containers[0]!.steadyState);
  for (const container of task.containers.slice(1)) {
    const status = containerToTaskStatus(container.knownStatus, container.steadyState);
    if (taskStatusBefore(status, least)) least = status;
  }
  const next = laterTaskStatus(task.knownStatus, least);
  if (next === task.knownStatus) return false;
  task.knownStatus = next;
  task.knownTime = now.toISOString();
  return true;
}

/** What a transition, an event or an inspect says about a container. */
export interface ContainerChange {
  status: ContainerStatus;
  runtimeId?: string;
  exitCode?: number;
  portBindings?: PortBinding[];
  error?: ApplyingError;
  startedAt?: string;
  finishedAt?: string;
  createdAt?: string;
  imageId?: string;
  /** Host PID of the running container's init process. */
  pid?: number;
  labels?: Record<string, string>;
  mounts?: ContainerMount[];
  networks?: ContainerNetwork[];
}

/**
 * Applies a change forward only: a status at or below the known one changes nothing but may still fill
 * in metadata (an exit code learnt after the status). Returns true when the known status moved.
 */
export function applyContainerChange(container: Container, change: ContainerChange): boolean {
  if (change.runtimeId && !container.runtimeId) container.runtimeId = change.runtimeId;
  if (change.imageId) container.imageId = change.imageId;
  if (change.createdAt && !container.createdAt) container.createdAt = change.createdAt;
  if (change.startedAt && isDockerTime(change.startedAt)) container.startedAt = change.startedAt;
  if (change.portBindings && change.portBindings.length > 0) container.knownPortBindings = change.portBindings;
  if (change.labels) container.labels = change.labels;
  if (change.mounts) container.mounts = change.mounts;
  if (change.networks) container.networks = change.networks;
  if (change.pid) container.pid = change.pid;
  const advances = containerStatusBefore(container.knownStatus, change.status);
  if (change.status === 'STOPPED' || container.knownStatus === 'STOPPED') {
    if (change.exitCode !== undefined && container.knownExitCode === undefined) container.knownExitCode = change.exitCode;
    if (change.finishedAt && isDockerTime(change.finishedAt) && !container.finishedAt) container.finishedAt = change.finishedAt;
  }
  if (change.error && !container.applyingError && (advances || change.status === container.knownStatus)) container.applyingError = change.error;
  if (!advances) return false;
  container.knownStatus = change.status;
  return true;
}

/** Docker writes 0001-01-01T00:00:00Z for "never". */
export function isDockerTime(value: string | undefined): value is string {
  return value !== undefined && value !== '' && !value.startsWith('0001-01-01');
}

/** The reason reported with a container: its applying error as "<name>: <message>". */
export function containerReason(container: Container): string | undefined {
  return container.applyingError ? `${container.applyingError.name}: ${container.applyingError.message}` : undefined;
}
