// The container-specific host directories: made by the agent before create (so their owner and mode
// are the agent's choice, not dockerd's) and removed after the task is cleaned up.
import { chmod, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ContainerDirectory } from './fractal-create-options';

/** Shared parents (`/fractal`, `/fractal/temp`) get the usual 0755, whatever the per-container mode. */
const PARENT_MODE = 0o755;

/**
 * Creates each directory under `hostRoot` (where the agent sees the host's `/`): the parents of the
 * root as shared directories, the root and everything below it with `mode`. Existing directories are
 * fine (a restarted agent preparing the same container again).
 */
export async function createHostDirectories(hostRoot: string, directories: readonly ContainerDirectory[], mode: number): Promise<void> {
  for (const directory of directories) {
    const root = path.join(hostRoot, directory.root);
    await mkdir(path.dirname(root), { recursive: true, mode: PARENT_MODE });
    const below = path.relative(directory.root, directory.path).split(path.sep).filter(Boolean);
    let current = root;
    for (const part of ['', ...below]) {
      current = path.join(current, part);
      await mkdir(current, { mode }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      // mkdir's mode passes through the umask; the configured mode is meant exactly.
      await chmod(current, mode);
    }
  }
}

/** Removes each root with everything in it; one that is gone already is fine. */
export async function removeHostDirectories(hostRoot: string, roots: readonly string[]): Promise<void> {
  for (const root of roots) await rm(path.join(hostRoot, root), { recursive: true, force: true });
}
