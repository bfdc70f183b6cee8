import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { HostPaths } from '@fractal-ecs/common';

/**
 * What the agent container's env and binds depend on besides configuration, probed from the host
 * once per start so building the container stays a pure function. ECS directories live under the
 * HostPaths root; system paths (/etc/pki, /sbin, ...) are always the real ones.
 */
export interface HostFacts {
  /** ECS_DETAILED_OS_FAMILY: "<ID>_<VERSION_ID>" from /etc/os-release, or "linux". */
  osFamily: string;
  /** CA bundle directory for SSL_CERT_DIR, when present. */
  certsDir: string | undefined;
  /** PKI tree bind-mounted read-only, when present. */
  pkiDir: string | undefined;
  cgroupMountpoint: string;
  /** <root>/mnt/ecs/ebs is a directory (EBS task attach possible). */
  ebsDirExists: boolean;
  nvidiaDevicesPresent: boolean;
  /** The credentials-fetcher socket exists (gMSA). */
  credentialsFetcherSocketExists: boolean;
  /** <root>/var/lib/ecs/deps is a directory. */
  managedAgentsDirExists: boolean;
  /** <root>/var/lib/ecs/deps/execute-command is a directory. */
  execCommandDirExists: boolean;
  nsenterPath: string | undefined;
  modinfoPath: string | undefined;
  cloudInitResultExists: boolean;
}

// Amazon Linux keeps CAs under /etc/pki, Debian/Ubuntu/SUSE under /etc/ssl; upstream picks one per
// build, this single build picks the first that exists.
const CERT_DIRS = ['/etc/pki/tls/certs', '/etc/ssl/certs'];
const PKI_DIRS = ['/etc/pki', '/etc/ssl'];
const NSENTER = '/usr/bin/nsenter';
const MODINFO = ['/sbin/modinfo', '/usr/sbin/modinfo'];
export const CLOUD_INIT_RESULT = '/var/lib/cloud/data/result.json';

export function ebsMountDir(paths: HostPaths): string {
  return path.join(paths.root, 'mnt/ecs/ebs');
}

export async function probeHost(paths: HostPaths, credentialsFetcherSocket: string): Promise<HostFacts> {
  return {
    osFamily: detailedOsFamily(await readFile('/etc/os-release', 'utf8').catch(() => '')),
    certsDir: await firstExisting(CERT_DIRS),
    pkiDir: await firstExisting(PKI_DIRS),
    // AL1 mounts cgroups at /cgroup.
    cgroupMountpoint: (await exists('/sys/fs/cgroup')) || !(await exists('/cgroup')) ? '/sys/fs/cgroup' : '/cgroup',
    ebsDirExists: await isDirectory(ebsMountDir(paths)),
    nvidiaDevicesPresent: (await readdir('/dev').catch(() => [])).some((name) => name.startsWith('nvidia')),
    credentialsFetcherSocketExists: await exists(credentialsFetcherSocket),
    managedAgentsDirExists: await isDirectory(paths.depsDir),
    execCommandDirExists: await isDirectory(path.join(paths.depsDir, 'execute-command')),
    nsenterPath: await firstExisting([NSENTER]),
    modinfoPath: await firstExisting(MODINFO),
    cloudInitResultExists: await exists(CLOUD_INIT_RESULT),
  };
}

/** "<ID>_<VERSION_ID>" with quotes stripped (amzn_2023, debian_12); "linux" when either is missing. */
export function detailedOsFamily(osRelease: string): string {
  const fields = new Map<string, string>();
  for (const line of osRelease.split('\n')) {
    const separator = line.indexOf('=');
    if (separator <= 0) continue;
    fields.set(line.slice(0, separator).trim(), line.slice(separator + 1).trim().replace(/["']/g, ''));
  }
  const id = fields.get('ID');
  const version = fields.get('VERSION_ID');
  return id && version ? `${id}_${version}` : 'linux';
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function isDirectory(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function firstExisting(candidates: string[]): Promise<string | undefined> {
  for (const candidate of candidates) if (await exists(candidate)) return candidate;
  return undefined;
}
