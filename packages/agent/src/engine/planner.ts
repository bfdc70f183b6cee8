import { containerStatusBefore, isContainerRunning, type Container, type ContainerStatus, type Task } from '../api';
import { blockingDependent, checkDependencies } from './dependency-graph';

// The planner: given a task's known and desired state, the next steps (upstream's containerNextState
// per container). Pure: the executor runs the steps against Docker and feeds the results back.

export type Step =
  | { readonly kind: 'pull'; readonly container: string }
  | { readonly kind: 'create'; readonly container: string }
  | { readonly kind: 'start'; readonly container: string }
  | { readonly kind: 'stop'; readonly container: string; readonly timeoutSeconds: number }
  /** Told to stop before it ever ran: no Docker call, the container is simply known STOPPED. */
  | { readonly kind: 'markStopped'; readonly container: string };

export interface Plan {
  readonly steps: Step[];
  /** A dependency can never be met: the task is to stop, with this reason (on `container`). */
  readonly failure?: { readonly container: string; readonly reason: string };
  /** Containers waiting on dependsOn or on shutdown order, with what they wait for. */
  readonly blocked: { readonly container: string; readonly on: string }[];
  /** When a dependency's startTimeout expires: plan again then. */
  readonly wakeAt?: number;
  /** Nothing can move and nothing is in flight or blocked, yet the task is not where it should be. */
  readonly stuck: boolean;
}

export interface PlanOptions {
  /** ms since epoch. */
  readonly now: number;
  /** ECS_CONTAINER_STOP_TIMEOUT in seconds, for containers without their own stopTimeout. */
  readonly defaultStopTimeoutSeconds: number;
  /** ECS_PULL_DEPENDENT_CONTAINERS_UPFRONT: pulls do not wait for dependsOn. */
  readonly pullDependentContainersUpfront: boolean;
  /** Transitions under way, by container: the status each is moving to (upstream's applied status). */
  readonly inFlight: ReadonlyMap<string, ContainerStatus>;
}

const NEXT: Partial<Record<ContainerStatus, 'pull' | 'create' | 'start'>> = { NONE: 'pull', PULLED: 'create', CREATED: 'start' };

export function planTask(task: Task, options: PlanOptions): Plan {
  const steps: Step[] = [];
  const blocked: { container: string; on: string }[] = [];
  let wakeAt: number | undefined;
  let behind = false;
  for (const container of task.containers) {
    if (!containerStatusBefore(container.knownStatus, container.desiredStatus)) continue;
    behind = true;
    if (options.inFlight.has(container.name)) continue;
    if (container.desiredStatus === 'STOPPED') {
      if (!isContainerRunning(container.knownStatus)) {
        steps.push({ kind: 'markStopped', container: container.name });
        continue;
      }
      const dependent = blockingDependent(task, container);
      if (dependent) {
        blocked.push({ container: container.name, on: `${dependent} to stop first` });
        continue;
      }
      steps.push({ kind: 'stop', container: container.name, timeoutSeconds: stopTimeoutSeconds(container, options.defaultStopTimeoutSeconds) });
      continue;
    }
    const kind = NEXT[container.knownStatus];
    if (!kind) continue;
    const ordered = !(kind === 'pull' && options.pullDependentContainersUpfront);
    if (ordered) {
      const verdict = checkDependencies(task, container, options.now);
      if (verdict.kind === 'failed') return { steps: [], failure: { container: container.name, reason: verdict.reason }, blocked: [], stuck: false };
      if (verdict.kind === 'blocked') {
        blocked.push({ container: container.name, on: verdict.on });
        if (verdict.until !== undefined) wakeAt = wakeAt === undefined ? verdict.until : Math.min(wakeAt, verdict.until);
        continue;
      }
    }
    steps.push({ kind, container: container.name });
  }
  const stuck = behind && steps.length === 0 && blocked.length === 0 && options.inFlight.size === 0;
  return { steps, blocked, stuck, ...(wakeAt === undefined ? {} : { wakeAt }) };
}

/** A container's own stopTimeout, else ECS_CONTAINER_STOP_TIMEOUT. */
export function stopTimeoutSeconds(container: Container, defaultSeconds: number): number {
  return container.stopTimeout > 0 ? container.stopTimeout : defaultSeconds;
}
