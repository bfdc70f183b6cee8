import { open, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { HostPaths, Logger } from '@fractal-ecs/common';
import { CacheStatus, parseCacheState } from './state';

/** The on-disk agent image cache under /var/cache/ecs, as the engine uses it. */
export interface AgentImageCache {
  /** 0 uncached, 1 cached, 2 reload needed, or whatever other number the state file holds. */
  status(): Promise<number>;
  isCached(): Promise<boolean>;
  /** Makes sure ecs-agent.tar is there to load ("download" upstream). */
  downloadAgent(): Promise<void>;
  /** Opens ecs-agent.tar; an open error is thrown here, before anything is streamed. */
  openCachedAgent(): Promise<Readable>;
  /** Opens the update tarball the agent named in desired-image before exiting 42. */
  openDesiredAgent(): Promise<Readable>;
  /** Written after every successful load: the cache is now what Docker has. */
  recordCachedAgent(): Promise<void>;
}

export class DiskAgentImageCache implements AgentImageCache {
  constructor(
    private readonly paths: HostPaths,
    private readonly log: Pick<Logger, 'info'>,
  ) {}

  async status(): Promise<number> {
    // Both files must exist and be non-empty (stat follows the RPM's ecs-agent.tar symlink).
    if (!(await nonEmpty(this.paths.cacheState)) || !(await nonEmpty(this.paths.cachedAgentTarball))) {
      return CacheStatus.Uncached;
    }
    try {
      return parseCacheState(await readFile(this.paths.cacheState, 'utf8'));
    } catch {
      return CacheStatus.Uncached;
    }
  }

  async isCached(): Promise<boolean> {
    return (await this.status()) !== CacheStatus.Uncached;
  }

  // Upstream downloads the tarball of its own version from S3 here. This build has no downloader: the
  // packaged tarball is the same version, so it is used when present.
  async downloadAgent(): Promise<void> {
    const tarball = this.paths.cachedAgentTarball;
    if (!(await nonEmpty(tarball))) {
      throw new Error(`no cached agent image at ${tarball} and downloads are not implemented`);
    }
    this.log.info(`Using the packaged agent image ${tarball} (downloads are not implemented)`);
  }

  openCachedAgent(): Promise<Readable> {
    return openForReading(this.paths.cachedAgentTarball);
  }

  async openDesiredAgent(): Promise<Readable> {
    const locator = await readFile(this.paths.desiredImage, 'utf8');
    const newline = locator.indexOf('\n');
    // The agent always ends the first line with "\n"; without one the hand-off was cut short.
    if (newline < 0) throw new Error(`${this.paths.desiredImage}: no complete first line naming the update tarball`);
    // Only a file name inside the cache dir is honoured, whatever path the line holds.
    const name = path.basename(locator.slice(0, newline).trim());
    if (name === '' || name === '.' || name === '..') {
      throw new Error(`${this.paths.desiredImage}: first line does not name a file: ${JSON.stringify(locator.slice(0, newline))}`);
    }
    return openForReading(path.join(this.paths.cacheDir, name));
  }

  async recordCachedAgent(): Promise<void> {
    await writeFile(this.paths.cacheState, '1', { mode: 0o700 });
  }
}

async function nonEmpty(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}

async function openForReading(file: string): Promise<Readable> {
  const handle = await open(file, 'r');
  return handle.createReadStream();
}
