// What the control plane remembers, in the JSON form it is saved and served in (timestamps are
// epoch seconds, as on the ECS wire).
import type {
  Cluster,
  ContainerInstance,
  EcsJson,
  PublishMetricsRequest,
  Task,
  TaskDefinition,
  TaskHealth,
} from '@fractal-ecs/agent/wire';

export type ClusterRecord = EcsJson<Cluster> & { clusterArn: string; clusterName: string };
export type TaskDefinitionRecord = EcsJson<TaskDefinition> & { taskDefinitionArn: string; family: string; revision: number };

export interface ContainerInstanceRecord {
  clusterName: string;
  instance: EcsJson<ContainerInstance> & { containerInstanceArn: string };
}

export interface TaskRecord {
  clusterName: string;
  task: EcsJson<Task> & { taskArn: string; taskDefinitionArn: string; containerInstanceArn: string };
  /** IDs under which the task's role credentials were handed to the agent. */
  credentialsIds: { application?: string; execution?: string };
}

/** A frame sent on ACS and not yet acknowledged; resent after a timeout and on reconnect. */
export interface PendingDelivery {
  messageId: string;
  /** Newer deliveries for the same task replace older ones. */
  taskArn: string;
  frame: string;
  /** Epoch ms of the last send; 0 = never sent (the agent was not connected). */
  sentAt: number;
  attempts: number;
}

export interface AcsRecord {
  /** Last seqNum given to a payload or manifest for this instance. */
  seqNum: number;
  pending: PendingDelivery[];
  /** messageId of the last manifest, which TaskStopVerificationMessage must quote. */
  lastManifestId?: string;
}

export interface TelemetryRecord {
  /** The latest metrics publications, oldest first. */
  metrics: (PublishMetricsRequest & { receivedAt: number })[];
  /** Latest health per task ARN. */
  health: Record<string, TaskHealth & { receivedAt: number }>;
}

export interface StateData {
  version: 1;
  clusters: Record<string, ClusterRecord>;
  taskDefinitions: Record<string, TaskDefinitionRecord[]>;
  containerInstances: Record<string, ContainerInstanceRecord>;
  tasks: Record<string, TaskRecord>;
  acs: Record<string, AcsRecord>;
  telemetry: Record<string, TelemetryRecord>;
}

export function emptyState(): StateData {
  return { version: 1, clusters: {}, taskDefinitions: {}, containerInstances: {}, tasks: {}, acs: {}, telemetry: {} };
}

/** Accepts a loaded file only if it has the shape this version writes. */
export function readState(value: unknown, file: string): StateData {
  if (value === undefined) return emptyState();
  const state = value as Partial<StateData>;
  if (typeof value !== 'object' || value === null || state.version !== 1) {
    throw new Error(`state file ${file}: expected {"version":1,...}, got version ${JSON.stringify(state?.version)}`);
  }
  return { ...emptyState(), ...state } as StateData;
}
