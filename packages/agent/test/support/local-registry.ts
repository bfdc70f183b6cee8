import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { buildBusyboxImage, docker } from './busybox-image';

/** Port of the plain test registry; the htpasswd-protected one uses the next port. */
export const REGISTRY_PORT = 51670;
export const AUTH_REGISTRY_PORT = 51671;

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

export interface LocalRegistry {
  /** `127.0.0.1:<port>`, the registry part of image references. */
  readonly host: string;
  /** Stops the registry if this call started it. */
  stop(): Promise<void>;
}

/**
 * Runs Debian's `docker-registry serve` on 127.0.0.1:<port>, storing in a temp dir, or reuses one
 * already listening there. Docker treats 127.0.0.0/8 registries as insecure, so plain HTTP works.
 * With `credentials`, the registry requires them (htpasswd, bcrypt).
 */
export async function startLocalRegistry(port = REGISTRY_PORT, credentials?: RegistryCredentials): Promise<LocalRegistry> {
  const host = `127.0.0.1:${port}`;
  if (await answers(port)) return { host, stop: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'fractal-registry-'));
  const config = [
    'version: 0.1',
    'log: {level: error, accesslog: {disabled: true}}',
    `storage: {filesystem: {rootdirectory: ${join(dir, 'data')}}, delete: {enabled: true}}`,
    `http: {addr: "${host}"}`,
    ...(credentials ? [`auth: {htpasswd: {realm: fractal-test, path: ${join(dir, 'htpasswd')}}}`] : []),
  ].join('\n');
  await writeFile(join(dir, 'config.yml'), `${config}\n`);
  if (credentials) {
    // bcrypt cost 4: the registry checks the password on every request.
    await writeFile(join(dir, 'htpasswd'), `${credentials.username}:${bcrypt.hashSync(credentials.password, 4)}\n`);
  }
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  for (let waited = 0; waited < 15_000; waited += 50) {
    if (await answers(port)) return { host, stop };
    if (child.exitCode !== null) {
      await rm(dir, { recursive: true, force: true });
      // Another test file may have started one on this port meanwhile.
      if (await answers(port)) return { host, stop: async () => {} };
      throw new Error(`docker-registry on ${host} exited ${child.exitCode}: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`docker-registry on ${host} did not answer within 15s: ${stderr.trim()}`);
}

/** Tags a local image as `remote` and pushes it (logging in with a throwaway config when given credentials). */
export async function pushImage(localTag: string, remote: string, credentials?: RegistryCredentials): Promise<void> {
  await docker(['tag', localTag, remote]);
  if (!credentials) {
    await docker(['push', '-q', remote]);
    return;
  }
  const config = await mkdtemp(join(tmpdir(), 'fractal-docker-config-'));
  try {
    const registry = remote.slice(0, remote.indexOf('/'));
    await docker(['--config', config, 'login', '-u', credentials.username, '--password-stdin', registry], Buffer.from(credentials.password));
    await docker(['--config', config, 'push', '-q', remote]);
  } finally {
    await rm(config, { recursive: true, force: true });
  }
}

async function answers(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1_000) });
    return response.status === 200 || response.status === 401;
  } catch {
    return false;
  }
}


/**
 * The registry image other tests pull: builds the busybox image (labelled for `run`) and pushes it to
 * `<registry>/busybox:latest`, removing the local remote tag so a pull has to fetch it. Returns the
 * reference and the image ID.
 */
export async function publishBusybox(registry: LocalRegistry, run: string): Promise<{ readonly image: string; readonly imageId: string }> {
  const local = `fractal-ecs-agent-test/busybox:${run}`;
  const image = `${registry.host}/busybox:latest`;
  const imageId = await buildBusyboxImage(local, run);
  await pushImage(local, image);
  await docker(['rmi', image]);
  return { image, imageId };
}
