import { closePseudoFile, openPseudoFile, parseOpenPseudoFile, parsePseudoFile, type PseudoFileParser } from './pseudo-files';

/** Not opened yet. */
const UNOPENED = -1;
/** Did not exist (or was not readable) when opened: reads as absent until the set is reopened. */
const ABSENT = -2;
/** The process is out of descriptors: this file is opened for each read instead, as a fallback. */
const NOT_HELD = -3;

/**
 * A fixed set of pseudo-files (one container's cgroup files, or the host's /proc/stat and meminfo) kept
 * open and re-read in place with a positional read at offset 0: the kernel regenerates the content on
 * each such read, and the path walk and open/close that dominate reading a tiny file are paid once.
 * Opened on first read; close() releases every descriptor, and a later read opens them again.
 */
export class HeldPseudoFiles<Name extends string> {
  readonly #paths: Readonly<Record<Name, string>>;
  readonly #fds: Record<Name, number>;

  constructor(paths: Readonly<Record<Name, string>>) {
    this.#paths = paths;
    const fds = {} as Record<Name, number>;
    for (const name in paths) fds[name] = UNOPENED;
    this.#fds = fds;
  }

  /** The file's current content through `parse` (undefined to it when absent or unreadable). */
  parse<T>(name: Name, parse: PseudoFileParser<T>): T {
    let fd = this.#fds[name];
    if (fd === UNOPENED) fd = this.#fds[name] = this.open(name);
    if (fd === NOT_HELD) return parsePseudoFile(this.#paths[name], parse);
    return parseOpenPseudoFile(fd === ABSENT ? -1 : fd, parse);
  }

  /** Descriptors currently held. */
  get heldCount(): number {
    let count = 0;
    for (const name in this.#fds) if (this.#fds[name] >= 0) count++;
    return count;
  }

  close(): void {
    for (const name in this.#fds) {
      closePseudoFile(this.#fds[name]);
      this.#fds[name] = UNOPENED;
    }
  }

  private open(name: Name): number {
    const opened = openPseudoFile(this.#paths[name]);
    if (typeof opened === 'number') return opened;
    return opened === 'out-of-descriptors' ? NOT_HELD : ABSENT;
  }
}
