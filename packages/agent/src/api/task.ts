// The agent's model of one task. Like Container: definition fields are read-only, state fields move
// forward under the engine. Plain JSON.
import type { Container } from './container';
import type { TaskStatus } from './task-status';
import type { TaskVolume } from './volume';

/** The task's cgroup (`ECS_ENABLE_TASK_CPU_MEM_LIMIT`): every container's CgroupParent. */
export interface TaskCgroupSpec {
  /** `/ecs/<taskId>`. */
  readonly root: string;
  /** With task cpu: quota = cpu x period (microseconds). */
  readonly cpuQuotaUs?: number;
  readonly cpuPeriodUs?: number;
  /** Without task cpu: the sum of container cpu, each at least 2. */
  readonly cpuShares?: number;
  /** Task memory in bytes, when the task has a memory limit. */
  readonly memoryLimitBytes?: number;
}

export interface Task {
  readonly arn: string;
  readonly family: string;
  /** The task-definition revision, as ACS sends it (a string). */
  readonly version: string;
  readonly containers: Container[];
  readonly volumes: TaskVolume[];
  /** vCPU (0.25 = 256 units); 0 = no task-level limit. */
  readonly cpu: number;
  /** MiB; 0 = no task-level limit. */
  readonly memory: number;
  /** From the first container's rendered HostConfig (bridge, host, none, awsvpc). */
  readonly networkMode: string;
  readonly pidMode?: string;
  readonly ipcMode?: string;
  readonly launchType?: string;
  /** Payload seqNum of the message that asked for RUNNING / STOPPED; 0 = none. */
  startSequenceNumber: number;
  stopSequenceNumber: number;
  /** Task-role credentials ID (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI). */
  credentialsId?: string;
  executionCredentialsId?: string;
  /** Present when task CPU/memory limits are on. */
  readonly cgroup?: TaskCgroupSpec;

  desiredStatus: TaskStatus;
  knownStatus: TaskStatus;
  /** When knownStatus last changed (ISO 8601). */
  knownTime?: string;
  /** Last status reported to ECS. */
  sentStatus: TaskStatus;
  pullStartedAt?: string;
  pullStoppedAt?: string;
  /** When the first essential container stopped. */
  executionStoppedAt?: string;
}

/** The last segment of the ARN (`arn:...:task/<cluster>/<id>` or the old `task/<id>`). */
export function taskId(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
