// Build-time facts for tsup's `define`: the version from ./VERSION and the git revision, so a
// binary can print `ecs-init version <v> (<hash>)` as upstream does.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function buildDefines(): Record<string, string> {
  const version = readFileSync(path.join(repoRoot, 'VERSION'), 'utf8').trim();
  const hash = git(['rev-parse', '--short=8', 'HEAD']);
  const dirty = git(['status', '--porcelain']) !== '';
  return {
    __VERSION__: JSON.stringify(version),
    __GIT_SHORT_HASH__: JSON.stringify(hash),
    __GIT_DIRTY__: JSON.stringify(dirty),
  };
}
