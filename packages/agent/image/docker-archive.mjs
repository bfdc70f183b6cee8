// @ts-check
// Writes a one-layer image in the `docker save` archive format (manifest.json + config JSON + layer),
// which `docker load` and ecs-init's loader (POST /images/load) accept. No daemon, no base image.
//
// The layer is stored gzip-compressed: `docker load` inflates layers itself, and the tarball shrinks
// to about a third, which is what the RPM carries and what an update downloads. The config's diff_id
// is the digest of the uncompressed layer, as the image spec requires.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';

/**
 * @typedef {{ path: string, mode: number, type: 'directory' }
 *   | { path: string, mode: number, type: 'file', source: string, size: number }
 *   | { path: string, mode: number, type: 'file', content: Buffer }} LayerEntry
 */

/** Owner root and a fixed mtime on every entry, so the same inputs give the same bytes. */
function header(/** @type {LayerEntry} */ entry, /** @type {Date} */ mtime) {
  const base = { name: entry.path, mode: entry.mode, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime };
  if (entry.type === 'directory') return { ...base, type: /** @type {const} */ ('directory') };
  const size = 'content' in entry ? entry.content.length : entry.size;
  return { ...base, type: /** @type {const} */ ('file'), size };
}

/** Feeds the entries into a tar-stream pack, one at a time, streaming files from disk. */
async function packEntries(/** @type {import('tar-stream').Pack} */ pack, /** @type {LayerEntry[]} */ entries, /** @type {Date} */ mtime) {
  for (const entry of entries) {
    if (entry.type === 'directory') {
      pack.entry(header(entry, mtime));
    } else if ('content' in entry) {
      await new Promise((resolve, reject) => pack.entry(header(entry, mtime), entry.content, (error) => (error ? reject(error) : resolve(undefined))));
    } else {
      const sink = pack.entry(header(entry, mtime));
      await pipeline(createReadStream(entry.source), sink);
    }
  }
  pack.finalize();
}

/** Passes bytes through while hashing them (sha256) and counting them. */
function digester() {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ digest: hash.digest('hex'), size }) };
}

/**
 * Writes the layer tar gzip-compressed to `file`.
 * @returns {Promise<{ diffId: string, layerSize: number, blobDigest: string, blobSize: number }>}
 */
export async function writeLayer(/** @type {string} */ file, /** @type {LayerEntry[]} */ entries, /** @type {Date} */ mtime) {
  const pack = tar.pack();
  const uncompressed = digester();
  const compressed = digester();
  const writing = pipeline(pack, uncompressed.stream, createGzip({ level: 9 }), compressed.stream, createWriteStream(file));
  await Promise.all([packEntries(pack, entries, mtime), writing]);
  const layer = uncompressed.result();
  const blob = compressed.result();
  return { diffId: `sha256:${layer.digest}`, layerSize: layer.size, blobDigest: blob.digest, blobSize: blob.size };
}

/**
 * Writes the archive to `output` (atomically: a temp file next to it, then rename).
 * @param {{ output: string, repoTag: string, config: object, layerFile: string, layerBlobDigest: string, mtime: Date }} options
 * @returns {Promise<{ configDigest: string }>}
 */
export async function writeDockerArchive({ output, repoTag, config, layerFile, layerBlobDigest, mtime }) {
  const configJson = Buffer.from(JSON.stringify(config));
  const configDigest = createHash('sha256').update(configJson).digest('hex');
  const layerPath = `${layerBlobDigest}/layer.tar.gz`;
  const manifest = Buffer.from(JSON.stringify([{ Config: `${configDigest}.json`, RepoTags: [repoTag], Layers: [layerPath] }]));
  const { size: layerSize } = await stat(layerFile);

  const partial = `${output}.partial`;
  const pack = tar.pack();
  const writing = pipeline(pack, new PassThrough(), createWriteStream(partial));
  try {
    await Promise.all([
      packEntries(
        pack,
        [
          { path: `${layerBlobDigest}/`, mode: 0o755, type: 'directory' },
          { path: layerPath, mode: 0o644, type: 'file', source: layerFile, size: layerSize },
          { path: `${configDigest}.json`, mode: 0o644, type: 'file', content: configJson },
          { path: 'manifest.json', mode: 0o644, type: 'file', content: manifest },
        ],
        mtime,
      ),
      writing,
    ]);
    await rename(partial, output);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { configDigest };
}
