// The task server's routes, in upstream's gorilla/mux registration order (the first match wins), and
// the answer to each. Pure apart from the tag lookup: the HTTP server adds rate limiting and logging.
import path from 'node:path';
import type { Logger } from '@fractal-ecs/common';
import type { Task } from '../../api';
import type { AssociationsResponse, MetadataErrorResponse, TaskMetadataResponse } from '../../wire';
import { auditEventType, type AuditEventType } from './audit-log';
import { credentialsAnswer, type CredentialsSource } from './credentials-response';
import { containerResponse, taskResponse, type MetadataVersion } from './metadata-responses';
import type { StatsReader, TaskContainer, TaskStateReader } from './task-state-reader';

/** Resource tags for taskWithTags (ECS ListTagsForResource); rejects with the API error. */
export interface ResourceTags {
  tagsOf(resourceArn: string): Promise<Record<string, string>>;
}

export interface TaskServerSources {
  readonly state: TaskStateReader;
  readonly stats: StatsReader;
  readonly credentials: CredentialsSource;
  readonly tags: ResourceTags;
  readonly cluster: () => string;
  readonly containerInstanceArn: () => string | undefined;
  /** Undefined when unknown or ECS_DISABLE_TASK_METADATA_AZ. */
  readonly availabilityZone: () => string | undefined;
  readonly logger: Logger;
}

export interface TaskRequest {
  /** The request target as sent (path and query). */
  readonly url: string;
  /** The caller's address, without the port. */
  readonly remoteIp: string;
}

export interface TaskAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly location?: string;
  /** Set on credentials requests: the server writes the audit line. */
  readonly audit?: { readonly taskArn: string | undefined; readonly eventType: AuditEventType };
}

const JSON_TYPE = 'application/json';

function json(status: number, value: unknown): TaskAnswer {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(value) };
}

/** Go's http.NotFound, which gorilla/mux answers for a path no route matches. */
const NOT_FOUND: TaskAnswer = { status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' };

type Handler = (match: RegExpExecArray, request: ParsedRequest, sources: TaskServerSources) => TaskAnswer | Promise<TaskAnswer>;

interface ParsedRequest {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly remoteIp: string;
}

/** `{id}` in upstream's paths matches `[^/]*` (so it may be empty); names match `.+`. */
const ID = '([^/]*)';

const ROUTES: readonly [RegExp, Handler][] = [
  [/^\/v1\/credentials$/, (_m, request, sources) => credentials(1, request.query.get('id') ?? '', request.remoteIp, sources)],
  [/^\/v2\/credentials\/(.*)$/, (m, request, sources) => credentials(2, m[1]!, request.remoteIp, sources)],
  [/^\/v2\/metadata\/(.+)$/, (m, request, sources) => v2Metadata(request, sources, m[1]!, false)],
  [/^\/v2\/metadata\/?$/, (_m, request, sources) => v2Metadata(request, sources, undefined, false)],
  [/^\/v2\/metadataWithTags\/?$/, (_m, request, sources) => v2Metadata(request, sources, undefined, true)],
  [/^\/v2\/stats\/(.+)$/, (m, request, sources) => v2Stats(request, sources, m[1]!)],
  [/^\/v2\/stats\/?$/, (_m, request, sources) => v2Stats(request, sources, undefined)],
  ...versionRoutes(3),
  ...versionRoutes(4),
];

function versionRoutes(version: 3 | 4): [RegExp, Handler][] {
  const prefix = `^\\/v${version}\\/${ID}`;
  return [
    [new RegExp(`${prefix}$`), (m, _r, sources) => containerMetadata(version, m[1]!, sources)],
    [new RegExp(`${prefix}\\/task$`), (m, _r, sources) => taskMetadata(version, m[1]!, sources, false)],
    [new RegExp(`${prefix}\\/taskWithTags$`), (m, _r, sources) => taskMetadata(version, m[1]!, sources, true)],
    [new RegExp(`${prefix}\\/stats$`), (m, _r, sources) => containerStats(version, m[1]!, sources)],
    [new RegExp(`${prefix}\\/task\\/stats$`), (m, _r, sources) => taskStats(version, m[1]!, sources)],
    [new RegExp(`${prefix}\\/associations\\/([^/]*)$`), (m, _r, sources) => associations(version, m[1]!, m[2]!, sources)],
    // `<type>/` is an association with an empty name, refused like the credentials path with no ID.
    [new RegExp(`${prefix}\\/associations\\/([^/]*)\\/(.*)$`), (m, _r, sources) => association(version, m[1]!, m[2]!, m[3]!, sources)],
  ];
}

/**
 * The answer to one request. A path that is not clean (`//`, `.`, `..`) is redirected to its clean form
 * with 301, as gorilla/mux does; anything no route matches is 404.
 */
export async function answerTaskRequest(request: TaskRequest, sources: TaskServerSources): Promise<TaskAnswer> {
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? '' : request.url.slice(queryAt + 1);
  const decodedPath = safeDecode(rawPath);
  if (decodedPath === undefined) return NOT_FOUND;
  const cleaned = cleanPath(decodedPath);
  if (cleaned !== decodedPath) {
    const location = cleaned + (queryAt < 0 ? '' : `?${rawQuery}`);
    return { status: 301, contentType: 'text/html; charset=utf-8', body: '', location };
  }
  const parsed: ParsedRequest = { path: decodedPath, query: new URLSearchParams(rawQuery), remoteIp: request.remoteIp };
  for (const [pattern, handler] of ROUTES) {
    const match = pattern.exec(decodedPath);
    if (match) return handler(match, parsed, sources);
  }
  return NOT_FOUND;
}

/** Go's path.Clean, keeping a trailing slash as gorilla/mux does. */
export function cleanPath(value: string): string {
  if (value === '') return '/';
  const absolute = value.startsWith('/') ? value : `/${value}`;
  let cleaned = path.posix.normalize(absolute);
  if (cleaned.length > 1 && cleaned.endsWith('/') && !absolute.endsWith('/')) cleaned = cleaned.slice(0, -1);
  return cleaned;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * A caller whose address belongs to a task (a bridge-mode container reaching 169.254.170.2) gets only
 * its own task's credentials, even with another task's ID: upstream trusts the ID alone. Callers with
 * no task address (host network, the host itself) still present the ID as the capability.
 */
function credentials(version: 1 | 2, credentialsId: string, remoteIp: string, sources: TaskServerSources): TaskAnswer {
  const caller = sources.state.taskByIpAddress(remoteIp);
  const refused = (taskArn: string) => sources.state.taskByArn(taskArn)?.knownStatus === 'STOPPED' || (caller !== undefined && caller.arn !== taskArn);
  const answer = credentialsAnswer(version, credentialsId, sources.credentials, refused);
  return { ...json(answer.status, answer.body), audit: { taskArn: answer.taskArn, eventType: auditEventType(answer.roleType) } };
}

function responseContext(sources: TaskServerSources) {
  return { cluster: sources.cluster(), availabilityZone: sources.availabilityZone() };
}

async function v2Metadata(request: ParsedRequest, sources: TaskServerSources, dockerId: string | undefined, withTags: boolean): Promise<TaskAnswer> {
  const task = sources.state.taskByIpAddress(request.remoteIp);
  if (!task) return json(400, `Unable to get task arn from request: unable to associate '${request.remoteIp}' with task`);
  if (dockerId !== undefined) {
    // Only the caller's own task's containers: upstream would show any container here.
    const found = sources.state.byDockerId(dockerId);
    if (!found || found.task !== task) return json(400, `Unable to generate metadata for container '${dockerId}'`);
    return json(200, containerResponse(found.task, found.container, 2));
  }
  const response = taskResponse(task, 2, responseContext(sources));
  if (withTags) await addTags(response, task, sources, false);
  return json(200, response);
}

function v2Stats(request: ParsedRequest, sources: TaskServerSources, dockerId: string | undefined): TaskAnswer {
  const task = sources.state.taskByIpAddress(request.remoteIp);
  if (!task) return json(400, `Unable to get task arn from request: unable to associate '${request.remoteIp}' with task`);
  if (dockerId === undefined) return json(200, taskStatsMap(task, sources, 2));
  const found = sources.state.byDockerId(dockerId);
  if (!found || found.task !== task) return json(400, `Unable to get container stats for: ${dockerId}`);
  return json(200, sources.stats.latestDockerStats(dockerId) ?? null);
}

function taskArnLookupError(endpointId: string): string {
  return `unable to get task Arn from v3 endpoint ID: ${endpointId}`;
}

function dockerIdLookupError(endpointId: string): string {
  return `unable to get docker ID from v3 endpoint ID: ${endpointId}`;
}

/** The container behind an endpoint ID, once Docker created it (upstream maps endpoint IDs to Docker IDs at create). */
function createdContainer(state: TaskStateReader, endpointId: string): TaskContainer | undefined {
  const found = state.byEndpointId(endpointId);
  return found?.container.runtimeId ? found : undefined;
}

function containerMetadata(version: 3 | 4, endpointId: string, sources: TaskServerSources): TaskAnswer {
  const found = createdContainer(sources.state, endpointId);
  if (!found) return json(500, `V${version} container metadata handler: unable to get container ID from request: ${dockerIdLookupError(endpointId)}`);
  return json(200, containerResponse(found.task, found.container, version));
}

async function taskMetadata(version: 3 | 4, endpointId: string, sources: TaskServerSources, withTags: boolean): Promise<TaskAnswer> {
  const found = sources.state.byEndpointId(endpointId);
  if (!found) return json(500, `V${version} task metadata handler: unable to get task arn from request: ${taskArnLookupError(endpointId)}`);
  const response = taskResponse(found.task, version, responseContext(sources));
  if (withTags) await addTags(response, found.task, sources, version === 4);
  return json(200, response);
}

function containerStats(version: 3 | 4, endpointId: string, sources: TaskServerSources): TaskAnswer {
  const found = sources.state.byEndpointId(endpointId);
  // Upstream's v4 message says "container handler".
  const handler = version === 3 ? 'V3 container stats handler' : 'V4 container handler';
  if (!found) return json(400, `${handler}: unable to get task arn from request: ${taskArnLookupError(endpointId)}`);
  const dockerId = found.container.runtimeId;
  if (!dockerId) return json(400, `V${version} container stats handler: unable to get container ID from request: ${dockerIdLookupError(endpointId)}`);
  return json(200, containerStatsValue(dockerId, sources.stats, version));
}

function taskStats(version: 3 | 4, endpointId: string, sources: TaskServerSources): TaskAnswer {
  const found = sources.state.byEndpointId(endpointId);
  if (!found) return json(400, `V${version} task stats handler: unable to get task arn from request: ${taskArnLookupError(endpointId)}`);
  return json(200, taskStatsMap(found.task, sources, version));
}

/**
 * The last Docker stats sample: v2/v3 write null before the first (or with ECS_DISABLE_METRICS); v4
 * embeds the sample in an object with `network_rate_stats`, so it writes {} then.
 */
function containerStatsValue(dockerId: string, stats: StatsReader, version: MetadataVersion): unknown {
  const sample = stats.latestDockerStats(dockerId);
  if (version !== 4) return sample ?? null;
  const rates = stats.networkRateStats(dockerId);
  return { ...(sample ?? {}), ...(rates ? { network_rate_stats: rates } : {}) };
}

function taskStatsMap(task: Task, sources: TaskServerSources, version: MetadataVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const container of task.containers) if (container.runtimeId) out[container.runtimeId] = containerStatsValue(container.runtimeId, sources.stats, version);
  return out;
}

function associations(version: 3 | 4, endpointId: string, _type: string, sources: TaskServerSources): TaskAnswer {
  const found = createdContainer(sources.state, endpointId);
  if (!found) return json(400, `V${version} container associations handler: unable to get container id from request: ${dockerIdLookupError(endpointId)}`);
  // ACS associations (elastic inference, GPUs) are not modelled: every container has none of any type.
  const response: AssociationsResponse = { Associations: null };
  return json(200, response);
}

function association(version: 3 | 4, endpointId: string, type: string, name: string, sources: TaskServerSources): TaskAnswer {
  if (!sources.state.byEndpointId(endpointId)) return json(400, `V${version} container associations handler: unable to get task arn from request: ${taskArnLookupError(endpointId)}`);
  if (name === '') return json(400, `V${version} container associations handler: unable to get association name from request`);
  return json(400, `Unable to write container association response: unable to get association from association type ${type} and association name ${name}`);
}

/** taskWithTags: a failed lookup is logged and leaves the tags out; v4 also reports it in `Errors`. */
async function addTags(response: TaskMetadataResponse, task: Task, sources: TaskServerSources, reportErrors: boolean): Promise<void> {
  const lookups: [field: 'ContainerInstanceTags' | 'TaskTags', arn: string | undefined][] = [
    ['ContainerInstanceTags', sources.containerInstanceArn()],
    ['TaskTags', task.arn],
  ];
  for (const [field, arn] of lookups) {
    try {
      if (!arn) throw new Error('the container instance is not registered');
      response[field] = await sources.tags.tagsOf(arn);
    } catch (error) {
      sources.logger.error({ field, resourceArn: arn, err: (error as Error).message }, 'Task metadata: unable to get tags');
      if (reportErrors) (response.Errors ??= []).push(tagError(error, field, arn ?? ''));
    }
  }
}

function tagError(error: unknown, field: string, resourceArn: string): MetadataErrorResponse {
  const failure = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; requestId?: string }; $fault?: string };
  const response: MetadataErrorResponse = { ErrorField: field };
  // An AWS API error carries its code, status and request ID; anything else is only a message.
  if (failure.$metadata) {
    if (failure.name) response.ErrorCode = failure.name;
    if (failure.message) response.ErrorMessage = failure.message;
    if (failure.$metadata.httpStatusCode) response.StatusCode = failure.$metadata.httpStatusCode;
    if (failure.$metadata.requestId) response.RequestId = failure.$metadata.requestId;
  } else if (failure.message) {
    response.ErrorMessage = failure.message;
  }
  response.ResourceARN = resourceArn;
  return response;
}
