// The task server: credentials and task metadata on 127.0.0.1:51679, which tasks reach as
// 169.254.170.2:80 through ecs-init's iptables rules. node:http with a route table: the routes are a
// dozen fixed patterns, and a router library would add a dependency without removing any code here.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Clock } from '@fractal-ecs/common';
import type { AuditLog } from './audit-log';
import { RateLimiter, type RateLimitSettings } from './rate-limiter';
import { answerTaskRequest, type TaskServerSources } from './task-server-routes';
import { listen, type ListeningServer } from '../listening-server';

export interface TaskServerOptions {
  readonly sources: TaskServerSources;
  readonly audit: AuditLog;
  /** ECS_TASK_METADATA_RPS_LIMIT. */
  readonly rateLimit: RateLimitSettings;
  readonly clock: Clock;
}

export type RunningTaskServer = ListeningServer;

/** Upstream: read and write timeouts of 5 s, as the AWS SDKs allow. */
const TIMEOUT_MS = 5_000;
/** tollbooth's answer to a throttled request. */
const LIMIT_MESSAGE = 'You have reached maximum request limit.';

/** Go's RemoteAddr form, which the audit log writes. */
function remoteAddress(request: IncomingMessage): { ip: string; address: string } {
  const ip = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const port = request.socket.remotePort ?? 0;
  return { ip, address: ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}` };
}

/** The request handler, separate from listening so tests can drive it on any port. */
export function taskServerHandler(options: TaskServerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const limiter = new RateLimiter(options.rateLimit, options.clock);
  const { logger } = options.sources;
  return (request, response) => {
    const url = request.url ?? '/';
    const { ip, address } = remoteAddress(request);
    const path = url.split('?')[0]!;
    const auditRequest = { remoteAddress: address, path, userAgent: request.headers['user-agent'] ?? '' };
    // tollbooth keys by caller and path, and limits every path, unknown ones included.
    if (!limiter.allow(`${ip}|${path}`)) {
      options.audit.log(auditRequest, 429, undefined, '');
      logger.debug({ remote: address, path }, 'Task server request throttled');
      response.writeHead(429, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(LIMIT_MESSAGE);
      return;
    }
    answerTaskRequest({ url, remoteIp: ip }, options.sources).then(
      (answer) => {
        if (answer.audit) options.audit.log(auditRequest, answer.status, answer.audit.taskArn, answer.audit.eventType);
        // Credentials paths carry the ID, a secret: the log keeps only the route.
        logger.debug({ remote: address, path: answer.audit ? path.replace(/^\/v2\/credentials\/.*/, '/v2/credentials') : path, status: answer.status }, 'Task server request');
        const headers: Record<string, string> = { 'content-type': answer.contentType };
        if (answer.location !== undefined) headers.location = answer.location;
        response.writeHead(answer.status, headers);
        response.end(request.method === 'HEAD' ? undefined : answer.body);
      },
      (error: unknown) => {
        logger.error({ path, err: (error as Error).message }, 'Task server request failed');
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify('Internal server error'));
      },
    );
  };
}

/** Listens on host:port (127.0.0.1:51679 in production; 0 picks a free port). */
export async function startTaskServer(options: TaskServerOptions, host: string, port: number): Promise<RunningTaskServer> {
  const server = createServer(taskServerHandler(options));
  server.requestTimeout = TIMEOUT_MS;
  server.headersTimeout = TIMEOUT_MS;
  return listen(server, host, port);
}
