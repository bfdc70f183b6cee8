import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsDir = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'results');

/** What a figure was measured on, so results from different machines are never compared blindly. */
export function machineInfo(): Record<string, unknown> {
  const docker = (format: string) => {
    try {
      return execFileSync('docker', ['info', '--format', format], { encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  };
  return {
    cpuModel: os.cpus()[0]?.model,
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    kernel: os.release(),
    node: process.version,
    dockerVersion: docker('{{.ServerVersion}}'),
    cgroupVersion: docker('{{.CgroupVersion}}'),
    cgroupDriver: docker('{{.CgroupDriver}}'),
  };
}

/** Writes bench/results/<name>.json with the date, the machine and the figures. */
export function writeResult(name: string, figures: Record<string, unknown>): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, date: new Date().toISOString(), machine: machineInfo(), ...figures }, null, 2)}\n`);
  return file;
}
