// The EC2 Query API calls the agent's paths make: form-encoded POSTs (`Action=DescribeTags&...`),
// SigV4 (service "ec2"), XML answers in EC2's 2016-11-15 namespace and its error envelope.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { flattenHeaders, safeDecode } from '../api/router';
import { queryRecord, type SigV4Verifier } from '../auth/sigv4-verifier';
import { resourceTypeOf, type Ec2Tag, type EmulatedEc2 } from './emulated-instance';
import { memberValues, queryList, queryStrings } from './query-params';
import { readRequestBody } from '../request-body';

const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const MAX_BODY_BYTES = 1024 * 1024;

/** An EC2 error: its code, message and HTTP status. */
export class Ec2ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Whether a request is for this API rather than the ECS JSON one on the same port. */
export function isEc2QueryRequest(request: IncomingMessage): boolean {
  return request.method === 'POST' && String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

export interface Ec2QueryOptions {
  ec2: EmulatedEc2;
  verifier: SigV4Verifier;
  onError(error: unknown, action: string): void;
}

type Action = (ec2: EmulatedEc2, params: URLSearchParams) => string;

const ACTIONS: Record<string, Action> = {
  DescribeTags: describeTags,
  CreateTags: createTags,
  DeleteTags: deleteTags,
};

export async function handleEc2QueryRequest(request: IncomingMessage, response: ServerResponse, options: Ec2QueryOptions): Promise<void> {
  let action = '';
  try {
    const body = await readRequestBody(request, MAX_BODY_BYTES, () => new Ec2ApiError('RequestEntityTooLarge', `request body exceeds ${MAX_BODY_BYTES} bytes`, 413));
    const url = new URL(request.url ?? '/', 'http://local');
    const auth = await options.verifier.verify({ method: 'POST', path: safeDecode(url.pathname), query: queryRecord(url.searchParams), headers: flattenHeaders(request.headers), body });
    if (!auth.ok) {
      throw auth.type === 'MissingAuthenticationTokenException'
        ? new Ec2ApiError('MissingAuthenticationToken', 'Request is missing Authentication Token', 401)
        : new Ec2ApiError('AuthFailure', `AWS was not able to validate the provided access credentials (${auth.message})`, 401);
    }
    const params = new URLSearchParams(body);
    action = params.get('Action') ?? '';
    const run = ACTIONS[action];
    if (!run) throw new Ec2ApiError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service.`);
    send(response, 200, `<${action}Response xmlns="${XMLNS}"><requestId>${randomUUID()}</requestId>${run(options.ec2, params)}</${action}Response>`);
  } catch (error) {
    if (error instanceof Ec2ApiError) {
      send(response, error.status, `<Response><Errors><Error><Code>${xml(error.code)}</Code><Message>${xml(error.message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`);
      return;
    }
    options.onError(error, action);
    send(response, 500, `<Response><Errors><Error><Code>InternalError</Code><Message>An internal error has occurred; see the control plane log</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`);
  }
}

const FILTERS: Record<string, (tag: Ec2Tag) => string> = {
  key: (tag) => tag.key,
  value: (tag) => tag.value,
  'resource-id': (tag) => tag.resourceId,
  'resource-type': (tag) => tag.resourceType,
};

/** EC2 filter values take `*` and `?` wildcards. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
}

function describeTags(ec2: EmulatedEc2, params: URLSearchParams): string {
  const filters = queryList(params, 'Filter').map((member, index) => {
    const name = member.get('Name') ?? '';
    const field = FILTERS[name];
    if (!field) throw new Ec2ApiError('InvalidParameterValue', `The filter '${name}' is invalid (Filter.${index + 1}.Name); use key, value, resource-id or resource-type`);
    const values = memberValues(member, 'Value').map(wildcard);
    return (tag: Ec2Tag) => values.some((value) => value.test(field(tag)));
  });
  const maxResults = params.has('MaxResults') ? Number(params.get('MaxResults')) : 1000;
  if (!Number.isInteger(maxResults) || maxResults < 5 || maxResults > 1000) {
    throw new Ec2ApiError('InvalidParameterValue', `Value (${params.get('MaxResults')}) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
  }
  const matching = ec2.allTags().filter((tag) => filters.every((filter) => filter(tag)));
  const token = params.get('NextToken');
  const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw new Ec2ApiError('InvalidParameterValue', `Invalid NextToken ${JSON.stringify(token)}`);
  const page = matching.slice(start, start + maxResults);
  const next = start + maxResults < matching.length ? Buffer.from(String(start + maxResults)).toString('base64url') : undefined;
  const items = page
    .map((tag) => `<item><resourceId>${xml(tag.resourceId)}</resourceId><resourceType>${xml(tag.resourceType)}</resourceType><key>${xml(tag.key)}</key><value>${xml(tag.value)}</value></item>`)
    .join('');
  return `<tagSet>${items}</tagSet>${next ? `<nextToken>${next}</nextToken>` : ''}`;
}

function taggedResources(params: URLSearchParams): string[] {
  const resources = queryStrings(params, 'ResourceId');
  if (resources.length === 0) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter resourceIdSet (ResourceId.N)');
  for (const id of resources) {
    if (!resourceTypeOf(id)) throw new Ec2ApiError('InvalidID', `The ID '${id}' is not valid`);
  }
  return resources;
}

function tagList(params: URLSearchParams): { key: string; value?: string }[] {
  return queryList(params, 'Tag').map((member, index) => {
    const key = member.get('Key');
    if (!key) throw new Ec2ApiError('InvalidParameterValue', `Tag.${index + 1}.Key is required and must not be empty`);
    if (key.toLowerCase().startsWith('aws:')) throw new Ec2ApiError('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use (Tag.${index + 1}.Key=${key})`);
    const value = member.get('Value');
    return value === undefined ? { key } : { key, value };
  });
}

function createTags(ec2: EmulatedEc2, params: URLSearchParams): string {
  const resources = taggedResources(params);
  const tags = tagList(params);
  if (tags.length === 0) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter tagSet (Tag.N)');
  for (const id of resources) ec2.setTags(id, Object.fromEntries(tags.map(({ key, value }) => [key, value ?? ''])));
  return '<return>true</return>';
}

function deleteTags(ec2: EmulatedEc2, params: URLSearchParams): string {
  const resources = taggedResources(params);
  const tags = tagList(params);
  for (const id of resources) ec2.deleteTags(id, tags);
  return '<return>true</return>';
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function send(response: ServerResponse, status: number, body: string): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  response.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
