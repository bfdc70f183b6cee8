/** Docker health as the engine last saw it, for containers whose task asks for a Docker health check. */
export interface TrackedHealth {
  readonly status: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  /** When the status last changed. */
  readonly since?: Date;
}

/**
 * One running task container as the stats engine needs to know it. The engine lists only containers of
 * known, non-terminal tasks (non-empty ARN and family), as upstream's stats engine tracks.
 */
export interface TrackedContainer {
  readonly taskArn: string;
  readonly taskDefinitionFamily: string;
  readonly taskDefinitionVersion: string;
  /** The container's name in the task definition. */
  readonly containerName: string;
  readonly containerArn?: string;
  /** Docker's name for it (with the leading slash), echoed as `name` in the stats JSON. */
  readonly dockerName?: string;
  /** Full 64-hex Docker ID. */
  readonly dockerId: string;
  /** Host PID of the container's init process (inspect State.Pid): finds its cgroups and network namespace. */
  readonly pid?: number;
  /** HostConfig.CgroupParent when the task set one (e.g. `/ecs/<task id>`); Docker's default otherwise. */
  readonly cgroupParent?: string;
  /** HostConfig.NetworkMode: network stats are sent for bridge-like modes, not `host` or `none`. */
  readonly networkMode?: string;
  /** Present only when the container has a Docker health check (healthCheckType "docker"). */
  readonly health?: TrackedHealth;
}

/** The task engine's view of what runs now; read at every sampling tick, so it must be cheap. */
export interface TrackedContainerSource {
  runningContainers(): readonly TrackedContainer[];
}
