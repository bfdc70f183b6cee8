// Expands the device pool's paths (`/dev/input/event*`) to the device nodes that exist now. Only
// character and block devices count: Docker can map nothing else.
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const GLOB_CHARS = /[*?[]/;

/** `*`, `?` and `[...]` within one path component, as the shell. */
function componentMatcher(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = end;
      }
    } else source += char.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * The device nodes matching the patterns under `hostRoot`, as host paths with symlinks resolved (two
 * names for one device must not go to two containers), without duplicates, in natural order
 * (event2 before event10).
 */
export async function expandDevicePool(hostRoot: string, patterns: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const pattern of patterns) {
    for (const candidate of await expand(hostRoot, '/', pattern.split('/').filter(Boolean))) {
      const resolved = await realpath(path.join(hostRoot, candidate)).catch(() => undefined);
      if (!resolved) continue;
      const info = await stat(resolved).catch(() => undefined);
      if (info && (info.isCharacterDevice() || info.isBlockDevice())) found.add('/' + path.relative(hostRoot, resolved));
    }
  }
  return [...found].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

async function expand(hostRoot: string, at: string, parts: readonly string[]): Promise<string[]> {
  if (parts.length === 0) return [at];
  const [part, ...rest] = parts as [string, ...string[]];
  if (!GLOB_CHARS.test(part)) return expand(hostRoot, path.posix.join(at, part), rest);
  const matcher = componentMatcher(part);
  const names = await readdir(path.join(hostRoot, at)).catch(() => [] as string[]);
  const results: string[] = [];
  for (const name of names.filter((entry) => matcher.test(entry) && (part.startsWith('.') || !entry.startsWith('.')))) {
    results.push(...(await expand(hostRoot, path.posix.join(at, name), rest)));
  }
  return results;
}
