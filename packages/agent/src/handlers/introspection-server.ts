import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@fractal-ecs/common';
import type { IntrospectionTask } from '../wire';
import { listen, type ListeningServer } from './listening-server';

/** What the server reads; it never changes engine state. */
export interface IntrospectionSource {
  cluster(): string;
  containerInstanceArn(): string | undefined;
  tasks(): IntrospectionTask[];
}

export interface IntrospectionOptions {
  source: IntrospectionSource;
  /** "Amazon ECS Agent - v<version> (<hash>)". */
  version: string;
  license: string;
  logger: Logger;
}

export const AVAILABLE_COMMANDS = ['/v1/metadata', '/v1/tasks', '/license'];
/** Up to this many characters a dockerid is a short-ID prefix; longer is a full ID. */
const SHORT_ID_LENGTH = 12;
const EMPTY_TASK: IntrospectionTask = { Arn: '', KnownStatus: '', Family: '', Version: '', Containers: null };

/** The answer to one request: status and JSON body (or text for /license). */
export function introspectionResponse(url: string, options: IntrospectionOptions): { status: number; body: unknown; text?: string } {
  const parsed = new URL(url, 'http://introspection');
  switch (parsed.pathname) {
    case '/v1/metadata':
      return {
        status: 200,
        body: { Cluster: options.source.cluster(), ContainerInstanceArn: options.source.containerInstanceArn() ?? null, Version: options.version },
      };
    case '/v1/tasks':
      return tasksResponse(parsed.searchParams, options.source);
    case '/license':
      return { status: 200, body: undefined, text: options.license };
    default:
      return { status: 200, body: { AvailableCommands: AVAILABLE_COMMANDS } };
  }
}

function tasksResponse(query: URLSearchParams, source: IntrospectionSource): { status: number; body: unknown } {
  const taskArn = query.get('taskarn');
  const dockerId = query.get('dockerid');
  if (taskArn !== null && dockerId !== null) return { status: 400, body: EMPTY_TASK };
  const tasks = source.tasks();
  if (taskArn !== null) {
    const task = tasks.find((candidate) => candidate.Arn === taskArn);
    return task ? { status: 200, body: task } : { status: 404, body: EMPTY_TASK };
  }
  if (dockerId !== null) {
    const matches = (id: string) => (dockerId.length > SHORT_ID_LENGTH ? id === dockerId : dockerId !== '' && id.startsWith(dockerId));
    const found = tasks.filter((task) => (task.Containers ?? []).some((container) => matches(container.DockerId)));
    if (found.length === 1) return { status: 200, body: found[0] };
    return found.length === 0 ? { status: 404, body: EMPTY_TASK } : { status: 400, body: undefined };
  }
  return { status: 200, body: { Tasks: tasks } };
}

/**
 * The introspection server (port 51678). Read and write timeouts are 5 s as upstream; every request is
 * logged at debug. No host: every interface (IPv6 and IPv4 where the kernel has IPv6, else IPv4).
 */
export async function startIntrospectionServer(options: IntrospectionOptions, host: string | undefined, port: number): Promise<ListeningServer> {
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const answer = introspectionResponse(request.url ?? '/', options);
    options.logger.debug({ method: request.method, path: request.url, status: answer.status }, 'Introspection request');
    if (answer.text !== undefined) {
      response.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(request.method === 'HEAD' ? undefined : answer.text);
      return;
    }
    const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  server.requestTimeout = 5_000;
  server.headersTimeout = 5_000;
  return listen(server, host, port);
}
