import { request } from 'node:http';
import { AGENT_INTROSPECTION_PORT } from '../config';
import { ExitCode } from './exit-codes';

/**
 * `-healthcheck`: HEAD http://<ECS_AGENT_HEALTHCHECK_HOST>:51678/v1/metadata with a 25 s timeout.
 * Any HTTP answer is healthy (0); no answer is not (1).
 */
export function runHealthcheck(host: string, timeoutMs = 25_000, port = AGENT_INTROSPECTION_PORT): Promise<ExitCode> {
  return new Promise((resolve) => {
    const call = request({ host, port, path: '/v1/metadata', method: 'HEAD', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(ExitCode.success);
    });
    call.on('timeout', () => call.destroy(new Error('timed out')));
    call.on('error', () => resolve(ExitCode.error));
    call.end();
  });
}
