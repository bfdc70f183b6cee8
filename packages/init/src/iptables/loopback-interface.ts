import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const IFF_LOOPBACK = 0x8;
const DEFAULT_LOOPBACK = 'lo';

/**
 * Name of the loopback interface: the first interface (in ifindex order, as netlink lists them
 * upstream) whose `flags` has IFF_LOOPBACK; `lo` when none is found or sysfs is unreadable.
 */
export async function findLoopbackInterface(sysRoot: string): Promise<string> {
  const netDir = path.join(sysRoot, 'class', 'net');
  let names: string[];
  try {
    names = await readdir(netDir);
  } catch {
    return DEFAULT_LOOPBACK;
  }
  const interfaces = await Promise.all(
    names.map(async (name) => {
      const flags = parseInt(await readSysfs(path.join(netDir, name, 'flags')), 16);
      const index = parseInt(await readSysfs(path.join(netDir, name, 'ifindex')), 10);
      return { name, flags, index: Number.isNaN(index) ? Number.MAX_SAFE_INTEGER : index };
    }),
  );
  const loopback = interfaces
    .filter((i) => !Number.isNaN(i.flags) && (i.flags & IFF_LOOPBACK) !== 0)
    .sort((a, b) => a.index - b.index || a.name.localeCompare(b.name))[0];
  return loopback?.name ?? DEFAULT_LOOPBACK;
}

async function readSysfs(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return '';
  }
}
