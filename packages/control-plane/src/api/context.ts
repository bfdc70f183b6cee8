// What the API operations share: the state, ARN scope, clock, persistence and the ACS side they
// hand task changes to, plus lookups that fail the way ECS fails.
import { clusterName, resourceId, type ArnScope } from '../arns';
import type { ClusterRecord, ContainerInstanceRecord, StateData, TaskDefinitionRecord, TaskRecord } from '../state/model';
import { clusterNotFound, invalidParameter } from './errors';
import { optionalString, type Body } from './fields';

export interface TaskDispatcher {
  /** Queues a PayloadMessage carrying the task as it now stands (desired status included). */
  dispatchTask(task: TaskRecord): void;
  /** The task reached STOPPED: nothing about it needs delivering any more. */
  taskStopped(task: TaskRecord): void;
  /** Ends the instance's ACS sessions, e.g. when it is deregistered. */
  disconnectInstance(containerInstanceArn: string, reason: string): void;
}

export interface RequestInfo {
  /** Host header of the request: where the caller reached us. */
  host: string;
  secure: boolean;
}

export interface ApiContext {
  state: StateData;
  scope: ArnScope;
  now(): Date;
  newId(): string;
  dispatcher: TaskDispatcher;
  /** The URL the agent should use for ACS and TCS, as DiscoverPollEndpoint returns it. */
  pollEndpoints(request: RequestInfo): { endpoint: string; telemetryEndpoint: string };
  /** Whether task roles get credentials (the control plane has some configured). */
  hasRoleCredentials: boolean;
}

export type Operation = (context: ApiContext, body: Body, request: RequestInfo) => unknown;

export function nowSeconds(context: ApiContext): number {
  return context.now().getTime() / 1000;
}

/** The `cluster` field (name or ARN, default "default") -> its record, or ClusterNotFoundException. */
export function requireCluster(context: ApiContext, body: Body): ClusterRecord {
  const name = clusterName(optionalString(body, 'cluster') ?? 'default');
  const cluster = context.state.clusters[name];
  if (!cluster || cluster.status === 'INACTIVE') throw clusterNotFound();
  return cluster;
}

export function findInstance(context: ApiContext, cluster: ClusterRecord, idOrArn: string): ContainerInstanceRecord | undefined {
  const id = resourceId(idOrArn);
  return Object.values(context.state.containerInstances).find(
    (record) => record.clusterName === cluster.clusterName && resourceId(record.instance.containerInstanceArn) === id,
  );
}

export function requireInstance(context: ApiContext, cluster: ClusterRecord, idOrArn: string, field: string): ContainerInstanceRecord {
  const record = findInstance(context, cluster, idOrArn);
  if (!record) throw invalidParameter(`${field}: no container instance ${JSON.stringify(idOrArn)} in cluster ${cluster.clusterName}`);
  return record;
}

export function findTask(context: ApiContext, cluster: ClusterRecord, idOrArn: string): TaskRecord | undefined {
  const id = resourceId(idOrArn);
  return Object.values(context.state.tasks).find((record) => record.clusterName === cluster.clusterName && resourceId(record.task.taskArn) === id);
}

export function requireTask(context: ApiContext, cluster: ClusterRecord, idOrArn: string, field: string): TaskRecord {
  const record = findTask(context, cluster, idOrArn);
  if (!record) throw invalidParameter(`${field}: no task ${JSON.stringify(idOrArn)} in cluster ${cluster.clusterName}`);
  return record;
}

export function taskDefinitionOf(context: Pick<ApiContext, 'state'>, task: TaskRecord): TaskDefinitionRecord {
  const match = /:task-definition\/(.+):(\d+)$/.exec(task.task.taskDefinitionArn);
  const record = match ? context.state.taskDefinitions[match[1]!]?.[Number(match[2]) - 1] : undefined;
  if (!record) throw new Error(`task ${task.task.taskArn} names task definition ${task.task.taskDefinitionArn}, which the state lacks`);
  return record;
}
