import type { AcsTask } from '../wire';

/** The association type ECS uses to hand a GPU (its UUID in `name`) to one container. */
export const GPU_ASSOCIATION_TYPE = 'gpu';
export const NVIDIA_VISIBLE_DEVICES = 'NVIDIA_VISIBLE_DEVICES';

/**
 * The GPUs ECS assigned to each container of a task, from the task's `gpu` associations, in
 * association order. As upstream, an association naming several containers or an unknown container
 * is an error (the task cannot start).
 */
export function gpuAssignments(task: Pick<AcsTask, 'associations' | 'containers'>): Map<string, string[]> {
  const names = new Set((task.containers ?? []).map((container) => container.name));
  const assigned = new Map<string, string[]>();
  for (const association of task.associations ?? []) {
    if (association.type !== GPU_ASSOCIATION_TYPE) continue;
    const containers = association.containers ?? [];
    if (containers.length !== 1) throw new Error(`could not associate multiple containers to GPU ${association.name}: associations[].containers: expected one container, got ${JSON.stringify(containers)}`);
    const container = containers[0]!;
    if (!names.has(container)) throw new Error(`could not find container with name ${container} for associating GPU ${association.name}`);
    assigned.set(container, [...(assigned.get(container) ?? []), association.name ?? '']);
  }
  return assigned;
}

/** What a container that was assigned GPUs gets: its docker Config env entry and HostConfig.Runtime. */
export interface GpuContainerOptions {
  /** Merged over the container's environment (wins over a task-definition value, as upstream). */
  readonly env: Readonly<Record<string, string>>;
  /** HostConfig.Runtime: ECS_NVIDIA_RUNTIME. */
  readonly runtime: string;
}

/**
 * The options for a container assigned `gpuIds`: NVIDIA_VISIBLE_DEVICES set to exactly those IDs and
 * the NVIDIA runtime. Undefined for a container without GPUs (nothing changes). An empty runtime is an
 * error, as upstream refuses to create such a container.
 */
export function gpuContainerOptions(gpuIds: readonly string[], nvidiaRuntime: string): GpuContainerOptions | undefined {
  if (gpuIds.length === 0) return undefined;
  if (nvidiaRuntime === '') throw new Error('ECS_NVIDIA_RUNTIME: Runtime is not set for GPU containers');
  return { env: { [NVIDIA_VISIBLE_DEVICES]: gpuIds.join(',') }, runtime: nvidiaRuntime };
}
