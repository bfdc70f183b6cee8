// Names of the Docker objects the agent creates for a task: `ecs-<family>-<version>-<name>-<hex>`.
import type { Container } from './container';
import { randomHex, type RandomSource } from './random-source';
import type { Task } from './task';

/** Task-scoped and empty-host Docker volumes: the volume name is used as is. */
export function taskVolumeName(family: string, version: string, volumeName: string, random: RandomSource): string {
  return `ecs-${family}-${version}-${volumeName}-${randomHex(random)}`;
}

/**
 * A fresh Docker container name; the engine records it in the model (and checkpoints it) before
 * `docker create`, so a restart finds a container created while the agent was down. Characters
 * Docker refuses are dropped from the container name.
 */
export function newDockerContainerName(task: Pick<Task, 'family' | 'version'>, container: Pick<Container, 'name'>, random: RandomSource): string {
  return `ecs-${task.family}-${task.version}-${container.name.replace(/[^A-Za-z0-9-]+/g, '')}-${randomHex(random)}`;
}
