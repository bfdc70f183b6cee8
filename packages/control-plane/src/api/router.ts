// The ECS JSON 1.1 endpoint: POST with `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>`,
// a SigV4-signed JSON body, and a JSON answer or `{"__type","message"}` error.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ECS_JSON_CONTENT_TYPE, ECS_TARGET_PREFIX } from '@fractal-ecs/agent/wire';
import { queryRecord, type SigV4Verifier } from '../auth/sigv4-verifier';
import { readRequestBody } from '../request-body';
import { createCluster, describeClusters, listClusters } from './clusters';
import {
  deregisterContainerInstance,
  describeContainerInstances,
  discoverPollEndpoint,
  listContainerInstances,
  putAttributes,
  registerContainerInstance,
  updateContainerInstancesState,
} from './container-instances';
import type { ApiContext, Operation, RequestInfo } from './context';
import { EcsApiError } from './errors';
import type { Body } from './fields';
import { submitAttachmentStateChanges, submitContainerStateChange, submitTaskStateChange } from './state-changes';
import { deregisterTaskDefinition, describeTaskDefinition, listTaskDefinitions, registerTaskDefinition } from './task-definitions';
import { describeTasks, listTasks, runTask, startTask, stopTask } from './tasks';

/** Operations that change state; their answer waits until the change is saved. */
const OPERATIONS: Record<string, { run: Operation; mutates: boolean }> = {
  CreateCluster: { run: createCluster, mutates: true },
  ListClusters: { run: listClusters, mutates: false },
  DescribeClusters: { run: describeClusters, mutates: false },
  RegisterTaskDefinition: { run: registerTaskDefinition, mutates: true },
  DescribeTaskDefinition: { run: describeTaskDefinition, mutates: false },
  DeregisterTaskDefinition: { run: deregisterTaskDefinition, mutates: true },
  ListTaskDefinitions: { run: listTaskDefinitions, mutates: false },
  RegisterContainerInstance: { run: registerContainerInstance, mutates: true },
  DeregisterContainerInstance: { run: deregisterContainerInstance, mutates: true },
  ListContainerInstances: { run: listContainerInstances, mutates: false },
  DescribeContainerInstances: { run: describeContainerInstances, mutates: false },
  UpdateContainerInstancesState: { run: updateContainerInstancesState, mutates: true },
  PutAttributes: { run: putAttributes, mutates: true },
  DiscoverPollEndpoint: { run: discoverPollEndpoint, mutates: false },
  RunTask: { run: runTask, mutates: true },
  StartTask: { run: startTask, mutates: true },
  StopTask: { run: stopTask, mutates: true },
  ListTasks: { run: listTasks, mutates: false },
  DescribeTasks: { run: describeTasks, mutates: false },
  SubmitTaskStateChange: { run: submitTaskStateChange, mutates: true },
  SubmitContainerStateChange: { run: submitContainerStateChange, mutates: true },
  SubmitAttachmentStateChanges: { run: submitAttachmentStateChanges, mutates: true },
};

/** Bodies larger than this are refused: no ECS request comes near it. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface ApiRouterOptions {
  context: ApiContext;
  verifier: SigV4Verifier;
  save(): Promise<void>;
  onError(error: unknown, operation: string): void;
}

export async function handleApiRequest(request: IncomingMessage, response: ServerResponse, options: ApiRouterOptions, secure: boolean): Promise<void> {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(`${ECS_TARGET_PREFIX}.`) ? target.slice(ECS_TARGET_PREFIX.length + 1) : '';
  try {
    if (request.method !== 'POST') throw new EcsApiError('UnknownOperationException', `Method ${request.method} is not allowed; ECS takes POST`);
    const text = await readRequestBody(request, MAX_BODY_BYTES, () => new EcsApiError('ClientException', `request body exceeds ${MAX_BODY_BYTES} bytes`));
    const url = new URL(request.url ?? '/', 'http://local');
    const auth = await options.verifier.verify({
      method: 'POST',
      path: safeDecode(url.pathname),
      query: queryRecord(url.searchParams),
      headers: flattenHeaders(request.headers),
      body: text,
    });
    if (!auth.ok) throw new EcsApiError(auth.type, auth.message, auth.type === 'MissingAuthenticationTokenException' ? 403 : 400);
    const entry = OPERATIONS[operation];
    if (!entry) throw new EcsApiError('UnknownOperationException', `Unknown operation ${JSON.stringify(target)}`);
    const body = parseBody(text);
    const info: RequestInfo = { host: String(request.headers.host ?? ''), secure };
    const result = entry.run(options.context, body, info);
    if (entry.mutates) await options.save();
    send(response, 200, result);
  } catch (error) {
    if (error instanceof EcsApiError) {
      send(response, error.status, { __type: error.type, message: error.message });
      return;
    }
    options.onError(error, operation);
    send(response, 500, { __type: 'ServerException', message: 'Internal error; see the control plane log' });
  }
}

function parseBody(text: string): Body {
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new EcsApiError('SerializationException', `request body is not JSON (${(error as Error).message})`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new EcsApiError('SerializationException', `request body must be a JSON object, got ${text.slice(0, 100)}`);
  }
  return body as Body;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': ECS_JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

export function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return flat;
}

export function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
