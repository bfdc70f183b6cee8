import { request } from 'node:http';
import os from 'node:os';
import type { HostCapacity } from '../ecsclient';

/** Facts about the host the agent reports; injected so tests pin them. */
export interface HostFacts {
  capacity(): HostCapacity;
  /** The Docker server version, undefined when Docker does not answer. */
  dockerVersion(): Promise<string | undefined>;
}

const MIB = 1024 * 1024;

/** The real host: CPUs the process may use, MemTotal (os.totalmem reads /proc/meminfo), Docker's /version. */
export function systemHostFacts(dockerEndpoint: string): HostFacts {
  let known: string | undefined;
  return {
    capacity: () => ({ cpuCount: os.availableParallelism(), memoryMiB: Math.floor(os.totalmem() / MIB) }),
    async dockerVersion() {
      known ??= await queryDockerVersion(dockerEndpoint).catch(() => undefined);
      return known;
    },
  };
}

/** GET /version on DOCKER_HOST (unix:// or tcp://); the Docker client proper arrives with the task engine. */
function queryDockerVersion(endpoint: string): Promise<string | undefined> {
  const url = new URL(endpoint);
  const target = url.protocol === 'unix:' ? { socketPath: url.pathname } : { host: url.hostname, port: Number(url.port || 2375) };
  return new Promise((resolve, reject) => {
    const call = request({ ...target, path: '/version', method: 'GET', timeout: 5_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          const version = (JSON.parse(body) as { Version?: unknown }).Version;
          resolve(typeof version === 'string' ? version : undefined);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    call.on('timeout', () => call.destroy(new Error('docker /version timed out')));
    call.on('error', reject);
    call.end();
  });
}
