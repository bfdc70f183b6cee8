import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { HostPaths } from '@fractal-ecs/common';
import { recordingLogger } from '../../test/recording-logger';
import { DiskAgentImageCache } from './agent-cache';

function setup() {
  const paths = new HostPaths(mkdtempSync(path.join(tmpdir(), 'ecs-init-cache-')));
  mkdirSync(paths.cacheDir, { recursive: true });
  const { log, messages } = recordingLogger();
  return { paths, cache: new DiskAgentImageCache(paths, log), messages };
}

describe('DiskAgentImageCache.status', () => {
  it('is uncached when the state file is missing', async () => {
    const { paths, cache } = setup();
    writeFileSync(paths.cachedAgentTarball, 'tar');
    expect(await cache.status()).toBe(0);
    expect(await cache.isCached()).toBe(false);
  });

  it('is uncached when the state file is empty', async () => {
    const { paths, cache } = setup();
    writeFileSync(paths.cachedAgentTarball, 'tar');
    writeFileSync(paths.cacheState, '');
    expect(await cache.status()).toBe(0);
  });

  it('is uncached when the tarball is missing or empty', async () => {
    const { paths, cache } = setup();
    writeFileSync(paths.cacheState, '1');
    expect(await cache.status()).toBe(0);
    writeFileSync(paths.cachedAgentTarball, '');
    expect(await cache.status()).toBe(0);
  });

  it('reads the state when both exist, following the tarball symlink', async () => {
    const { paths, cache } = setup();
    writeFileSync(path.join(paths.cacheDir, 'ecs-agent-v1.0.0.tar'), 'tar');
    symlinkSync('ecs-agent-v1.0.0.tar', paths.cachedAgentTarball);
    writeFileSync(paths.cacheState, '2\n');
    expect(await cache.status()).toBe(2);
    expect(await cache.isCached()).toBe(true);
  });
});

describe('DiskAgentImageCache.recordCachedAgent', () => {
  it('writes "1" without a newline, mode 0700', async () => {
    const { paths, cache } = setup();
    writeFileSync(paths.cacheState, '2\n');
    await cache.recordCachedAgent();
    expect(readFileSync(paths.cacheState, 'utf8')).toBe('1');
    writeFileSync(paths.cachedAgentTarball, 'tar');
    expect(await cache.status()).toBe(1);
  });

  it('creates the state file with mode 0700', async () => {
    const { paths, cache } = setup();
    await cache.recordCachedAgent();
    expect(statSync(paths.cacheState).mode & 0o777).toBe(0o700 & ~process.umask());
  });
});

describe('DiskAgentImageCache.downloadAgent', () => {
  it('fails clearly when there is no tarball to fall back on', async () => {
    const { paths, cache } = setup();
    await expect(cache.downloadAgent()).rejects.toThrow(
      `no cached agent image at ${paths.cachedAgentTarball} and downloads are not implemented`,
    );
  });

  it('uses the packaged tarball when present', async () => {
    const { paths, cache, messages } = setup();
    writeFileSync(paths.cachedAgentTarball, 'tar');
    await cache.downloadAgent();
    expect(messages('info')).toEqual([
      `Using the packaged agent image ${paths.cachedAgentTarball} (downloads are not implemented)`,
    ]);
  });
});

describe('DiskAgentImageCache.openDesiredAgent', () => {
  it('opens the file named on the first line, inside the cache dir', async () => {
    const { paths, cache } = setup();
    writeFileSync(path.join(paths.cacheDir, 'abc.ecs-update.tar'), 'update');
    writeFileSync(paths.desiredImage, '/somewhere/else/abc.ecs-update.tar\nreserved\n');
    expect(await text(await cache.openDesiredAgent())).toBe('update');
  });

  it('fails without a newline-terminated first line', async () => {
    const { paths, cache } = setup();
    writeFileSync(path.join(paths.cacheDir, 'abc.ecs-update.tar'), 'update');
    writeFileSync(paths.desiredImage, 'abc.ecs-update.tar');
    await expect(cache.openDesiredAgent()).rejects.toThrow('no complete first line');
  });

  it('fails when the locator or the named tarball is missing', async () => {
    const { paths, cache } = setup();
    await expect(cache.openDesiredAgent()).rejects.toThrow(/ENOENT.*desired-image/);
    writeFileSync(paths.desiredImage, 'gone.tar\n');
    await expect(cache.openDesiredAgent()).rejects.toThrow(/ENOENT.*gone\.tar/);
  });

  it('refuses a line naming no file', async () => {
    const { paths, cache } = setup();
    writeFileSync(paths.desiredImage, '..\n');
    await expect(cache.openDesiredAgent()).rejects.toThrow('first line does not name a file');
  });
});

describe('DiskAgentImageCache.openCachedAgent', () => {
  it('streams ecs-agent.tar and throws on open when it is missing', async () => {
    const { paths, cache } = setup();
    await expect(cache.openCachedAgent()).rejects.toThrow(/ENOENT/);
    writeFileSync(paths.cachedAgentTarball, 'image bytes');
    expect(await text(await cache.openCachedAgent())).toBe('image bytes');
  });
});
