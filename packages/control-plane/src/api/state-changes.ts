// What the agent reports about tasks and containers. Statuses only move forward, as in ECS, so a
// late or repeated report never undoes a newer one.
import type { Container, EcsJson, NetworkBinding } from '@fractal-ecs/agent/wire';
import type { TaskRecord } from '../state/model';
import { nowSeconds, requireCluster, requireTask, type ApiContext, type Operation } from './context';
import { invalidParameter } from './errors';
import { oneOf, optionalInteger, optionalList, optionalString, requiredString, type Body } from './fields';

const ORDER: Record<string, number> = { PENDING: 0, RUNNING: 1, STOPPED: 2 };
const STATUSES = ['PENDING', 'RUNNING', 'STOPPED'] as const;

function advances(current: string | undefined, next: string): boolean {
  return (ORDER[next] ?? -1) > (ORDER[current ?? 'PENDING'] ?? 0);
}

function optionalTimestamp(body: Body, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidParameter(`${field} must be epoch seconds, got ${JSON.stringify(value)}`);
  return value;
}

function readBindings(value: unknown, field: string): EcsJson<NetworkBinding>[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParameter(`${field} must be a list, got ${JSON.stringify(value)}`);
  return value.map((binding: Body, index) => {
    for (const key of ['containerPort', 'hostPort']) {
      if (binding?.[key] !== undefined && !Number.isSafeInteger(binding[key])) {
        throw invalidParameter(`${field}[${index}].${key} must be an integer, got ${JSON.stringify(binding[key])}`);
      }
    }
    return binding as EcsJson<NetworkBinding>;
  });
}

function applyContainerChange(record: TaskRecord, change: Body, prefix: string): void {
  const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
  const name = typeof change.containerName === 'string' ? change.containerName : undefined;
  const container = record.task.containers?.find((candidate) => candidate.name === name);
  if (!container) throw invalidParameter(`${field('containerName')} names no container of ${record.task.taskArn}, got ${JSON.stringify(change.containerName)}`);
  const status = oneOf(field('status'), optionalString(change, 'status'), STATUSES);
  const exitCode = optionalInteger(change, 'exitCode');
  const bindings = readBindings(change.networkBindings, field('networkBindings'));
  const update: Partial<EcsJson<Container>> = {};
  if (status && advances(container.lastStatus, status)) update.lastStatus = status;
  if (exitCode !== undefined) update.exitCode = exitCode;
  if (bindings && bindings.length > 0) update.networkBindings = bindings;
  const reason = optionalString(change, 'reason');
  if (reason) update.reason = reason;
  const runtimeId = optionalString(change, 'runtimeId');
  if (runtimeId) update.runtimeId = runtimeId;
  const imageDigest = optionalString(change, 'imageDigest');
  if (imageDigest) update.imageDigest = imageDigest;
  Object.assign(container, update);
  if (Object.keys(update).length > 0) record.task.version = (record.task.version ?? 0) + 1;
}

function applyTaskStatus(context: ApiContext, record: TaskRecord, status: string | undefined, reason: string | undefined): void {
  const task = record.task;
  if (!status || !advances(task.lastStatus, status)) return;
  task.lastStatus = status;
  task.version = (task.version ?? 0) + 1;
  const now = nowSeconds(context);
  if (status === 'RUNNING') {
    task.startedAt ??= now;
    task.connectivity = 'CONNECTED';
    task.connectivityAt ??= now;
    return;
  }
  if (status === 'STOPPED') {
    task.desiredStatus = 'STOPPED';
    task.stoppedAt = now;
    task.stoppingAt ??= now;
    task.stopCode ??= 'EssentialContainerExited';
    task.stoppedReason ??= reason || 'Essential container in task exited';
    for (const container of task.containers ?? []) container.lastStatus = 'STOPPED';
    context.dispatcher.taskStopped(record);
  }
}

export const submitTaskStateChange: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  const record = requireTask(context, cluster, requiredString(body, 'task'), 'task');
  const status = oneOf('status', optionalString(body, 'status'), STATUSES);
  (optionalList<Body>(body, 'containers') ?? []).forEach((change, index) => applyContainerChange(record, change, `containers[${index}]`));
  for (const field of ['pullStartedAt', 'pullStoppedAt', 'executionStoppedAt'] as const) {
    const value = optionalTimestamp(body, field);
    if (value !== undefined) record.task[field] = value;
  }
  const attachments = optionalList<Body>(body, 'attachments');
  if (attachments?.length) record.task.attachments = attachments.map((attachment) => ({ id: String(attachment.attachmentArn ?? ''), status: String(attachment.status ?? '') }));
  applyTaskStatus(context, record, status, optionalString(body, 'reason'));
  return { acknowledgment: 'ACK' };
};

export const submitContainerStateChange: Operation = (context, body) => {
  const cluster = requireCluster(context, body);
  const record = requireTask(context, cluster, requiredString(body, 'task'), 'task');
  applyContainerChange(record, body, '');
  return { acknowledgment: 'ACK' };
};

export const submitAttachmentStateChanges: Operation = (context, body) => {
  requireCluster(context, body);
  if (!(optionalList(body, 'attachments') ?? []).length) throw invalidParameter('attachments must list at least one attachment, got nothing');
  return { acknowledgment: 'ACK' };
};
