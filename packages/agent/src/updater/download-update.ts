import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The file ecs-init reads after exit 42: the update tarball's basename and a newline. */
export const DESIRED_IMAGE_FILE = 'desired-image';
/** Suffix of downloaded update tarballs (`<random hex>.ecs-update.tar`, as upstream names them). */
export const UPDATE_TARBALL_SUFFIX = '.ecs-update.tar';

export interface UpdateDownload {
  /** updateInfo.location: an http(s) URL of the image tarball. */
  readonly location: string;
  /** updateInfo.signature: the tarball's sha256, lowercase hex. */
  readonly signature: string;
  /** ECS_UPDATE_DOWNLOAD_DIR. */
  readonly downloadDir: string;
  readonly signal?: AbortSignal;
}

/** Fetches a URL; the global fetch in production, a fake in tests. */
export type Fetch = (url: string, init: { signal?: AbortSignal }) => Promise<Response>;

/**
 * Downloads the update tarball into the download directory while hashing it, checks the sha256
 * against the signature, then writes `desired-image`. Resolves the tarball's basename. A failed
 * download or a digest mismatch removes the partial tarball and leaves `desired-image` untouched.
 */
export async function downloadUpdate(request: UpdateDownload, fetchUrl: Fetch = fetch): Promise<string> {
  const url = parseLocation(request.location);
  const basename = `${randomBytes(10).toString('hex')}${UPDATE_TARBALL_SUFFIX}`;
  const file = path.join(request.downloadDir, basename);
  try {
    const response = await fetchUrl(url.href, request.signal ? { signal: request.signal } : {});
    if (!response.ok || !response.body) throw new Error(`GET ${url.href}: HTTP ${response.status}`);
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), hashing, createWriteStream(file, { mode: 0o644 }));
    const digest = hash.digest('hex');
    // Upstream compares the lowercase hex digest with the trimmed signature, exactly.
    if (digest !== request.signature.trim()) throw new Error(`Hashsum validation failed: sha256 of ${url.href} is ${digest}, the update names ${request.signature.trim()}`);
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  await writeFile(path.join(request.downloadDir, DESIRED_IMAGE_FILE), `${basename}\n`, { mode: 0o644 });
  return basename;
}

function parseLocation(location: string): URL {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new Error(`updateInfo.location ${JSON.stringify(location)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`updateInfo.location ${JSON.stringify(location)}: only http and https are supported`);
  return url;
}
