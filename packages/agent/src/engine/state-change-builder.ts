import {
  backendTaskStatus,
  containerStatusBefore,
  laterContainerStatus,
  laterTaskStatus,
  taskStatusBefore,
  type Container,
  type ContainerStatus,
  type Task,
  type TaskStatus,
} from '../api';
import type { PendingStateChange } from '../eventhandler';
import type { ContainerStateChange, SubmitTaskStateChangeRequest } from '../wire';
import { containerReason } from './task-status-rules';

/** ECS truncates reason, runtimeId and imageDigest at 255 characters; upstream trims before sending. */
const MAX_FIELD = 255;

/**
 * A SubmitTaskStateChange for `task` as it is now, carrying `containers` (those with changes to report).
 * `taskStatus` is the task transition it reports, or undefined when it only carries container changes
 * (upstream's drain: the task's current backend status is sent and is not a transition).
 */
export function buildStateChange(
  cluster: string,
  task: Task,
  taskStatus: TaskStatus | undefined,
  containers: readonly Container[],
  reason: string | undefined,
  markSent: () => Promise<void>,
): PendingStateChange {
  const entries = containers.map((container) => ({ container, status: reportedStatus(container.knownStatus) }));
  const request: SubmitTaskStateChangeRequest = {
    cluster,
    task: task.arn,
    status: backendTaskStatus(taskStatus ?? task.knownStatus),
    ...(reason ? { reason: reason.slice(0, MAX_FIELD) } : {}),
    containers: entries.map(({ container, status }) => containerChange(container, status)),
    ...(task.pullStartedAt ? { pullStartedAt: new Date(task.pullStartedAt) } : {}),
    ...(task.pullStoppedAt ? { pullStoppedAt: new Date(task.pullStoppedAt) } : {}),
    ...(task.executionStoppedAt ? { executionStoppedAt: new Date(task.executionStoppedAt) } : {}),
  };
  return {
    taskArn: task.arn,
    request,
    isRedundant: () =>
      (taskStatus === undefined || !taskStatusBefore(task.sentStatus, taskStatus)) &&
      entries.every(({ container, status }) => !containerStatusBefore(container.sentStatus, status)),
    markSent: async () => {
      if (taskStatus !== undefined) task.sentStatus = laterTaskStatus(task.sentStatus, taskStatus);
      for (const { container, status } of entries) container.sentStatus = laterContainerStatus(container.sentStatus, status);
      await markSent();
    },
  };
}

/** Only RUNNING and STOPPED reach ECS (a steady RESOURCES_PROVISIONED is internal). */
function reportedStatus(status: ContainerStatus): ContainerStatus {
  return status === 'STOPPED' ? 'STOPPED' : 'RUNNING';
}

function containerChange(container: Container, status: ContainerStatus): ContainerStateChange {
  const reason = containerReason(container);
  return {
    containerName: container.name,
    status,
    ...(container.runtimeId ? { runtimeId: container.runtimeId.slice(0, MAX_FIELD) } : {}),
    ...(container.imageDigest ? { imageDigest: container.imageDigest.slice(0, MAX_FIELD) } : {}),
    ...(status === 'STOPPED' && container.knownExitCode !== undefined ? { exitCode: container.knownExitCode } : {}),
    ...(reason ? { reason: reason.slice(0, MAX_FIELD) } : {}),
    ...(container.knownPortBindings.length > 0
      ? {
          networkBindings: container.knownPortBindings.map((binding) => ({
            bindIP: binding.bindIp,
            containerPort: binding.containerPort,
            hostPort: binding.hostPort,
            protocol: binding.protocol,
          })),
        }
      : {}),
  };
}
