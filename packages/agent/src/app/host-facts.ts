import { request } from 'node:http';
import os from 'node:os';
import type { HostCapacity } from '../ecsclient';

/** Facts about the host the agent reports; injected so tests pin them. */
export interface HostFacts {
  capacity(): HostCapacity;
  /** The Docker server version, undefined when Docker does not answer. */
  dockerVersion(): Promise<string | undefined>;
  /** Docker's API version range (/version ApiVersion, MinAPIVersion); undefined when Docker does not answer. */
  dockerApiRange?(): Promise<DockerApiRange | undefined>;
}

export interface DockerApiRange {
  readonly min?: string;
  readonly max?: string;
}

interface DockerVersionFacts {
  readonly version: string | undefined;
  readonly api: DockerApiRange;
}

const MIB = 1024 * 1024;

/** The real host: CPUs the process may use, MemTotal (os.totalmem reads /proc/meminfo), Docker's /version. */
export function systemHostFacts(dockerEndpoint: string): HostFacts {
  let known: DockerVersionFacts | undefined;
  const facts = async () => (known ??= await queryDockerVersion(dockerEndpoint).catch(() => undefined));
  return {
    capacity: () => ({ cpuCount: os.availableParallelism(), memoryMiB: Math.floor(os.totalmem() / MIB) }),
    dockerVersion: async () => (await facts())?.version,
    dockerApiRange: async () => (await facts())?.api,
  };
}

/** GET /version on DOCKER_HOST (unix:// or tcp://); the Docker client proper arrives with the task engine. */
export function queryDockerVersion(endpoint: string): Promise<DockerVersionFacts> {
  const url = new URL(endpoint);
  const target = url.protocol === 'unix:' ? { socketPath: url.pathname } : { host: url.hostname, port: Number(url.port || 2375) };
  return new Promise((resolve, reject) => {
    const call = request({ ...target, path: '/version', method: 'GET', timeout: 5_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          const parsed = JSON.parse(body) as { Version?: unknown; ApiVersion?: unknown; MinAPIVersion?: unknown };
          const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
          const min = text(parsed.MinAPIVersion);
          const max = text(parsed.ApiVersion);
          resolve({ version: text(parsed.Version), api: { ...(min ? { min } : {}), ...(max ? { max } : {}) } });
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
