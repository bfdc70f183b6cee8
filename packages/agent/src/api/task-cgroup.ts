// The task cgroup `/ecs/<taskId>` (ECS_ENABLE_TASK_CPU_MEM_LIMIT), as upstream's BuildLinuxResourceSpec sizes it.
import type { Container } from './container';
import { modelError, modelOk, type ModelResult } from './task-model-error';
import type { TaskCgroupSpec } from './task';

/** A 100 ms period only allows quotas up to 10 vCPU. */
const MAX_TASK_VCPU = 10;
/** Linux refuses 1 share; upstream counts each container as at least 2. */
const MIN_CPU_SHARES = 2;
const MiB = 1024 * 1024;

export function taskCgroupSpec(
  task: { readonly id: string; readonly cpu: number; readonly memory: number; readonly containers: readonly Pick<Container, 'cpu' | 'memory'>[] },
  cpuPeriodMs: number,
): ModelResult<TaskCgroupSpec> {
  const root = `/ecs/${task.id}`;
  let cpu: Pick<TaskCgroupSpec, 'cpuQuotaUs' | 'cpuPeriodUs' | 'cpuShares'>;
  if (task.cpu > 0) {
    if (task.cpu > MAX_TASK_VCPU) return modelError('cpu', `${task.cpu} vCPU is more than the ${MAX_TASK_VCPU} vCPU a task cgroup supports`);
    const cpuPeriodUs = Math.trunc(cpuPeriodMs * 1000);
    cpu = { cpuPeriodUs, cpuQuotaUs: Math.trunc(task.cpu * cpuPeriodUs) };
  } else {
    cpu = { cpuShares: task.containers.reduce((sum, container) => sum + Math.max(container.cpu, MIN_CPU_SHARES), 0) };
  }
  if (task.memory <= 0) return modelOk({ root, ...cpu });
  const tooBig = task.containers.findIndex((container) => container.memory > task.memory);
  if (tooBig >= 0) {
    return modelError(`containers[${tooBig}].memory`, `${task.containers[tooBig]!.memory} MiB is more than the task's memory (${task.memory} MiB)`);
  }
  return modelOk({ root, ...cpu, memoryLimitBytes: task.memory * MiB });
}
