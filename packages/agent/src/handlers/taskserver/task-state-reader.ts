// What the task server reads from the engine and the stats engine. It never changes either: the
// engine hands out its model objects and the server only looks.
import type { Container, Task } from '../../api';
import type { DockerStatsJson } from '../../stats';
import type { NetworkRateStats } from '../../wire';

/** A task and one of its containers. */
export interface TaskContainer {
  readonly task: Task;
  readonly container: Container;
}

/** The engine's tasks as the metadata endpoints look them up. */
export interface TaskStateReader {
  taskByArn(arn: string): Task | undefined;
  /** The container whose ECS_CONTAINER_METADATA_URI ends in this ID (upstream's v3 endpoint ID), with its task. */
  byEndpointId(endpointId: string): TaskContainer | undefined;
  /** The container with this Docker ID, with its task. */
  byDockerId(dockerId: string): TaskContainer | undefined;
  /**
   * The task a caller's source address belongs to (metadata v2). Upstream maps only awsvpc task ENI
   * addresses; here any running task container's Docker network address maps to its task.
   */
  taskByIpAddress(ip: string): Task | undefined;
}

/** The stats engine's last samples (StatsEngine implements it). */
export interface StatsReader {
  latestDockerStats(dockerId: string): DockerStatsJson | undefined;
  networkRateStats(dockerId: string): NetworkRateStats | undefined;
}

/**
 * A TaskStateReader over the engine's task list (DockerTaskEngine.tasks()). Lookups scan the list: a
 * host runs tens of tasks, and scanning keeps no second index to fall out of step with the engine.
 */
export function taskStateFromTasks(tasks: () => readonly Task[]): TaskStateReader {
  const find = (match: (container: Container) => boolean): TaskContainer | undefined => {
    for (const task of tasks()) {
      const container = task.containers.find(match);
      if (container) return { task, container };
    }
    return undefined;
  };
  return {
    taskByArn: (arn) => tasks().find((task) => task.arn === arn),
    byEndpointId: (endpointId) => (endpointId === '' ? undefined : find((container) => container.v3EndpointId === endpointId)),
    byDockerId: (dockerId) => (dockerId === '' ? undefined : find((container) => container.runtimeId === dockerId)),
    taskByIpAddress: (ip) =>
      ip === ''
        ? undefined
        : find((container) => container.knownStatus === 'RUNNING' && (container.networks ?? []).some((network) => network.ipv4Addresses.includes(ip)))?.task,
  };
}
