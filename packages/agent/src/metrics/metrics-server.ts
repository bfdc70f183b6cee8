// The Prometheus exposition endpoint: GET /metrics on every interface, port 51680 as upstream
// (AgentPrometheusExpositionPort; the port is then also reserved in registration).
import { createServer } from 'node:http';
import type { Logger } from '@fractal-ecs/common';
import type { Registry } from 'prom-client';
import { listen } from '../handlers/listening-server';

export interface RunningMetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(registry: Registry, host: string, port: number, logger: Logger): Promise<RunningMetricsServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('404 page not found\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(text);
      },
      (error: Error) => {
        logger.warn({ err: error.message }, 'Prometheus metrics could not be collected');
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`${error.message}\n`);
      },
    );
  });
  return listen(server, host, port);
}
