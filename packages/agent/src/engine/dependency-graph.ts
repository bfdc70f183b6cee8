import { containerStatusBefore, type Container, type ContainerDependency, type Task } from '../api';

// dependsOn (upstream's engine/dependencygraph): whether a container may take its next step towards
// running, and when a dependency can never be met. Pure.

export type DependencyVerdict =
  /** Every dependency is met. */
  | { kind: 'resolved' }
  /** Waiting; `until` is when a startTimeout expires (ms since epoch), if one applies. */
  | { kind: 'blocked'; on: string; until?: number }
  /** A dependency can never be met: the task is stopped with this reason. */
  | { kind: 'failed'; reason: string };

/**
 * For a target whose desired status is its steady state (or CREATED), each dependency must have reached
 * its condition:
 * - START: running (or, since upstream's fix for #2579, started and already stopped); CREATED is enough
 *   when the target only needs to be created;
 * - COMPLETE: stopped with an exit code; SUCCESS: stopped with exit code 0 (non-zero fails the task);
 * - HEALTHY: Docker reports it healthy; CREATE (volumesFrom): created.
 * A dependency told to stop before it ever ran can never be met. COMPLETE, SUCCESS and HEALTHY fail
 * once the dependency's startTimeout has passed since it started, while the target is not yet created.
 */
export function checkDependencies(task: Task, target: Container, now: number): DependencyVerdict {
  if (target.desiredStatus === 'STOPPED') return { kind: 'resolved' };
  let earliest: number | undefined;
  let blockedOn: string | undefined;
  for (const dependency of target.dependsOn) {
    const source = task.containers.find((container) => container.name === dependency.containerName);
    if (!source) return { kind: 'failed', reason: `DependencyError: container ${target.name} depends on ${dependency.containerName}, which is not in the task` };
    const verdict = checkOne(target, source, dependency, now);
    if (verdict.kind === 'failed') return verdict;
    if (verdict.kind === 'blocked') {
      blockedOn ??= verdict.on;
      if (verdict.until !== undefined) earliest = earliest === undefined ? verdict.until : Math.min(earliest, verdict.until);
    }
  }
  if (blockedOn === undefined) return { kind: 'resolved' };
  return earliest === undefined ? { kind: 'blocked', on: blockedOn } : { kind: 'blocked', on: blockedOn, until: earliest };
}

function checkOne(target: Container, source: Container, dependency: ContainerDependency, now: number): DependencyVerdict {
  const label = `${source.name} (${dependency.condition})`;
  const reachedCreate = !containerStatusBefore(source.knownStatus, 'CREATED');
  const neverRan = containerStatusBefore(source.knownStatus, 'RUNNING') || (source.knownStatus === 'STOPPED' && !source.startedAt);
  if (source.desiredStatus === 'STOPPED' && neverRan && !(dependency.condition === 'CREATE' && reachedCreate)) {
    return { kind: 'failed', reason: `DependencyError: dependency ${source.name} of container ${target.name} has not started and will not start` };
  }
  switch (dependency.condition) {
    case 'CREATE':
      return containerStatusBefore(source.knownStatus, 'CREATED') ? { kind: 'blocked', on: label } : { kind: 'resolved' };
    case 'START': {
      if (target.desiredStatus === 'CREATED') return containerStatusBefore(source.knownStatus, 'CREATED') ? { kind: 'blocked', on: label } : { kind: 'resolved' };
      if (source.knownStatus === source.steadyState) return { kind: 'resolved' };
      if (source.knownStatus === 'STOPPED' && source.startedAt) return { kind: 'resolved' };
      return { kind: 'blocked', on: label };
    }
    case 'COMPLETE':
      if (source.knownStatus === 'STOPPED' && source.knownExitCode !== undefined) return { kind: 'resolved' };
      if (source.knownStatus === 'STOPPED') return { kind: 'failed', reason: `DependencyError: dependency ${source.name} of container ${target.name} stopped without an exit code` };
      return withTimeout(target, source, label, now);
    case 'SUCCESS':
      if (source.knownStatus === 'STOPPED') {
        if (source.knownExitCode === 0) return { kind: 'resolved' };
        return {
          kind: 'failed',
          reason: `DependencyError: dependency ${source.name} of container ${target.name} was to succeed but exited with ${source.knownExitCode ?? 'no exit code'}`,
        };
      }
      return withTimeout(target, source, label, now);
    case 'HEALTHY':
      if (source.health.status === 'HEALTHY') return { kind: 'resolved' };
      if (source.knownStatus === 'STOPPED') return { kind: 'failed', reason: `DependencyError: dependency ${source.name} of container ${target.name} stopped before it became healthy` };
      return withTimeout(target, source, label, now);
  }
}

function withTimeout(target: Container, source: Container, label: string, now: number): DependencyVerdict {
  if (source.startTimeout <= 0 || !source.startedAt || !containerStatusBefore(target.knownStatus, 'CREATED')) return { kind: 'blocked', on: label };
  const deadline = Date.parse(source.startedAt) + source.startTimeout * 1000;
  if (Number.isNaN(deadline)) return { kind: 'blocked', on: label };
  if (now >= deadline) {
    return { kind: 'failed', reason: `DependencyError: dependency ${source.name} of container ${target.name} did not reach its condition within its startTimeout of ${source.startTimeout}s` };
  }
  return { kind: 'blocked', on: label, until: deadline };
}

/**
 * Shutdown order: a container is stopped only after every container that depends on it is known to
 * have stopped. Returns the name of one still running, or undefined.
 */
export function blockingDependent(task: Task, source: Container): string | undefined {
  for (const container of task.containers) {
    if (container === source || container.knownStatus === 'STOPPED') continue;
    if (container.dependsOn.some((dependency) => dependency.containerName === source.name)) return container.name;
  }
  return undefined;
}
