import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reading kernel pseudo-files (cgroup and proc). Synchronous on purpose: they never wait on a disk, and a
 * read(2) into one reused buffer costs a fraction of readFile (fstat, a second read for EOF, an
 * allocation) and far less than the thread-pool round trips of the promise API. Content is handed to a
 * parser while it sits in the shared buffer, so a caller cannot keep it past the next read.
 */

/** Shared read buffer: pseudo-files are small (memory.stat is about 1 KiB) and reads never interleave. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** Parses a file's bytes; `undefined` when the file is absent or could not be read. */
export type PseudoFileParser<T> = (bytes: Buffer | undefined) => T;

/**
 * A descriptor for positional re-reads; `absent` when the file does not exist or may not be read,
 * `out-of-descriptors` when the process or system has none left (EMFILE, ENFILE).
 */
export function openPseudoFile(file: string): number | 'absent' | 'out-of-descriptors' {
  try {
    return openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EMFILE' || code === 'ENFILE' ? 'out-of-descriptors' : 'absent';
  }
}

export function closePseudoFile(fd: number): void {
  if (fd < 0) return;
  try {
    closeSync(fd);
  } catch {
    // Already gone: nothing is held.
  }
}

/**
 * The whole content of an open pseudo-file, read from offset 0 (the kernel regenerates it on every read
 * at 0), then parsed. The parser gets undefined for -1 and when the read fails, which is how a cgroup
 * file answers (ENODEV) once its cgroup has been removed.
 */
export function parseOpenPseudoFile<T>(fd: number, parse: PseudoFileParser<T>): T {
  if (fd < 0) return parse(undefined);
  let length = 0;
  try {
    for (;;) {
      const read = readSync(fd, scratch, length, scratch.length - length, length);
      length += read;
      // The kernel fills a read as far as the content goes: a short read is the end of the file.
      if (read === 0 || length < scratch.length) break;
      const bigger = Buffer.allocUnsafe(scratch.length * 2);
      scratch.copy(bigger, 0, 0, length);
      scratch = bigger;
    }
  } catch {
    return parse(undefined);
  }
  return parse(scratch.subarray(0, length));
}

/** Open, read and close: for files read once (a process's cgroup list) or that must not be held (see callers). */
export function parsePseudoFile<T>(file: string, parse: PseudoFileParser<T>): T {
  const opened = openPseudoFile(file);
  const fd = typeof opened === 'number' ? opened : -1;
  try {
    return parseOpenPseudoFile(fd, parse);
  } finally {
    closePseudoFile(fd);
  }
}

/** The file as text, for the rare reads where clarity beats speed. */
export const asText: PseudoFileParser<string | undefined> = (bytes) => bytes?.toString('latin1');
