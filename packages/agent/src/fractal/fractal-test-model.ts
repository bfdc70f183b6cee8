// Test fixtures: tasks built through the real ACS -> model path, as the engine receives them.
import { renderContainerCreateOptions, taskFromAcs, type Container, type Task } from '../api';
import { countingRandom } from '../api/counting-random';
import type { AcsContainer, AcsTask } from '../wire';

export const TEST_TASK_ARN = 'arn:aws:ecs:us-east-1:000000000000:task/default/0123abcd';

export function acsContainer(name: string, extra: Partial<AcsContainer> = {}): AcsContainer {
  return { name, image: 'busybox', essential: true, cpu: 0, memory: 64, overrides: '{}', ...extra };
}

/** The model of an ACS task, each container with the Docker name `d-<name>` the engine records before create. */
export function taskModel(containers: AcsContainer[], extra: Partial<AcsTask> = {}): Task {
  const result = taskFromAcs(
    { arn: TEST_TASK_ARN, family: 'web', version: '3', desiredStatus: 'RUNNING', containers, ...extra },
    {},
    { task: { cpuMemLimit: { enabled: false, explicit: false }, cgroupCpuPeriodMs: 100 } },
    countingRandom(),
  );
  if (!result.ok) throw result.error;
  for (const each of result.value.containers) each.dockerName = `d-${each.name}`;
  return result.value;
}

export function containerNamed(task: Task, name: string): Container {
  return task.containers.find((each) => each.name === name)!;
}

export function rendered(task: Task, name: string) {
  const result = renderContainerCreateOptions(task, containerNamed(task, name), { cluster: 'default' });
  if (!result.ok) throw result.error;
  return result.value;
}
