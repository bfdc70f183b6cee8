// The agent's model of one container of a task: what ACS asked for (read-only after the task is
// built) and what the agent knows about it (mutable, moved forward by the engine). Plain JSON so it
// checkpoints as is. Times are ISO 8601 strings; Docker's own times are kept as Docker wrote them.
import type { AcsRegistryAuthentication, AcsSecret } from '../wire';
import type { ContainerStatus, ContainerSteadyState } from './container-status';
import type { ContainerHealth } from './health-status';
import type { FractalContainerState } from '../fractal/fractal-state';

export type TransportProtocol = 'tcp' | 'udp';

/**
 * How one container waits for another. START / COMPLETE / SUCCESS / HEALTHY come from the task
 * definition; CREATE is added for each `volumesFrom` source, START for each link target.
 */
export type DependencyCondition = 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY' | 'CREATE';

export interface ContainerDependency {
  readonly containerName: string;
  readonly condition: DependencyCondition;
}

export interface PortMapping {
  readonly containerPort: number;
  /** 0 asks Docker for a free port. */
  readonly hostPort: number;
  readonly protocol: TransportProtocol;
}

/** A port as Docker bound it (reported to ECS as a network binding). */
export interface PortBinding {
  readonly containerPort: number;
  readonly hostPort: number;
  readonly bindIp: string;
  readonly protocol: TransportProtocol;
}

export interface MountPoint {
  readonly sourceVolume: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

export interface VolumeFrom {
  readonly sourceContainer: string;
  readonly readOnly: boolean;
}

/** The Docker Engine API `Config` and `HostConfig` JSON strings ECS pre-renders, merged over the agent's base. */
export interface DockerConfigStrings {
  readonly version?: string;
  readonly config?: string;
  readonly hostConfig?: string;
}

/** NORMAL is a task-definition container; the others are containers the agent adds itself. */
export type ContainerType = 'NORMAL' | 'EMPTY_HOST_VOLUME' | 'CNI_PAUSE' | 'NAMESPACE_PAUSE';

/** A failed transition: becomes the container's reported `reason` as "<name>: <message>". */
export interface ApplyingError {
  readonly name: string;
  readonly message: string;
}

/** A mount as Docker inspect shows it (metadata `Volumes`). */
export interface ContainerMount {
  /** The Docker volume name; absent for binds. */
  readonly name?: string;
  readonly source: string;
  readonly destination: string;
}

/** One Docker network the container is attached to (metadata `Networks`). */
export interface ContainerNetwork {
  readonly networkMode: string;
  readonly ipv4Addresses: readonly string[];
}

export interface Container {
  readonly name: string;
  readonly image: string;
  /** The command after `overrides.command` was applied; absent keeps the image's CMD. */
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  /** CPU units (1024 per core). */
  readonly cpu: number;
  /** Hard memory limit in MiB; 0 = none. */
  readonly memory: number;
  readonly essential: boolean;
  /** `name` or `name:alias`. */
  readonly links: readonly string[];
  /** Includes the variables the agent adds (metadata URIs, credentials URI). */
  readonly environment: Readonly<Record<string, string>>;
  readonly environmentFiles: readonly { readonly value: string; readonly type: string }[];
  readonly portMappings: readonly PortMapping[];
  readonly mountPoints: readonly MountPoint[];
  readonly volumesFrom: readonly VolumeFrom[];
  /** Task-definition dependsOn followed by the implicit ones from volumesFrom and links. */
  readonly dependsOn: readonly ContainerDependency[];
  readonly dockerConfig: DockerConfigStrings;
  /** "docker" when the task definition has a health check. */
  readonly healthCheckType?: string;
  readonly registryAuthentication?: AcsRegistryAuthentication;
  readonly logsAuthStrategy?: string;
  readonly secrets: readonly AcsSecret[];
  /** Seconds a dependent waits for this container to reach its condition; 0 = no limit. */
  readonly startTimeout: number;
  /** Seconds between SIGTERM and SIGKILL; 0 = ECS_CONTAINER_STOP_TIMEOUT. */
  readonly stopTimeout: number;
  readonly containerArn?: string;
  readonly type: ContainerType;
  readonly steadyState: ContainerSteadyState;
  /** Random UUID naming this container on the task metadata endpoints (v3 and v4). */
  readonly v3EndpointId: string;
  /** GPU IDs ECS assigned to this container (the task's `gpu` associations): its NVIDIA_VISIBLE_DEVICES. */
  readonly gpuIds?: readonly string[];

  desiredStatus: ContainerStatus;
  knownStatus: ContainerStatus;
  /** Last status reported to ECS. */
  sentStatus: ContainerStatus;
  /** `ecs-<family>-<version>-<name>-<hex>`: chosen and recorded before docker create. */
  dockerName?: string;
  /** Docker container ID, once created. */
  runtimeId?: string;
  imageId?: string;
  imageDigest?: string;
  knownExitCode?: number;
  knownPortBindings: PortBinding[];
  applyingError?: ApplyingError;
  health: ContainerHealth;
  /** Docker's State / Created times. */
  createdAt?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Labels Docker reports (ours plus dockerLabels plus the image's). */
  labels?: Readonly<Record<string, string>>;
  mounts?: readonly ContainerMount[];
  networks?: readonly ContainerNetwork[];
  /** Host PID of the container's init process while it runs (inspect State.Pid): the stats engine finds its cgroups by it. */
  pid?: number;
  /**
   * The Fractal fork's per-container resources, recorded before create: `fractal.id` is the FractalID
   * (also the `com.fractal.ecs.fractal-id` label), shown in /v1/tasks and the task metadata.
   */
  fractal?: FractalContainerState;
}
