// Shared by the packaging integration tests: runs the real make targets and the host's tools.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const version = readFileSync(path.join(repoRoot, 'VERSION'), 'utf8').trim();
export const seaPath = path.join(repoRoot, 'build/sea/amazon-ecs-init');
export const defaultRpmTopdir = path.join(repoRoot, 'build/rpm');
/** A first build (SEA + RPM) takes about 30 s on 2 cores; later ones reuse it. */
export const BUILD_TIMEOUT_MS = 240_000;

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(file: string, args: readonly string[], options: SpawnSyncOptions = {}): RunResult {
  const result = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Runs a command that must succeed and returns its stdout. */
export function mustRun(file: string, args: readonly string[], options: SpawnSyncOptions = {}): string {
  const result = run(file, args, options);
  if (result.status !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * `make <target>` in the repository. Test files run in parallel and share build/, so builds are
 * serialised with flock; the targets are incremental, so whichever file comes second reuses the
 * first one's executable and RPM.
 */
export function make(target: string, variables: Record<string, string> = {}): void {
  mkdirSync(path.join(repoRoot, 'build'), { recursive: true });
  const assignments = Object.entries(variables).map(([name, value]) => `${name}=${value}`);
  mustRun('flock', [path.join(repoRoot, 'build/.packaging.lock'), 'make', '-C', repoRoot, target, ...assignments]);
}

/** The binary RPM of this VERSION built under an rpmbuild _topdir. */
export function builtRpm(topdir: string): string {
  const dir = path.join(topdir, 'RPMS/x86_64');
  const name = readdirSync(dir).find((file) => file.startsWith(`amazon-ecs-init-${version}-`) && file.endsWith('.x86_64.rpm'));
  if (!name) throw new Error(`no amazon-ecs-init-${version} RPM in ${dir}`);
  return path.join(dir, name);
}

/** What `ecs-init version` prints: version, then the git revision, starred when the tree was dirty. */
export function versionLinePattern(): RegExp {
  return new RegExp(`^ecs-init version ${version.replace(/\./g, '\\.')} \\(\\*?[0-9a-f]*\\)\\n$`);
}
