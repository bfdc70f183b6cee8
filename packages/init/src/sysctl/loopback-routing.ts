import type { CommandRunner, Logger } from '@fractal-ecs/common';
import { runSysctl } from './sysctl-command';

const ALL_KEY = 'net.ipv4.conf.all.route_localnet';
const DEFAULT_KEY = 'net.ipv4.conf.default.route_localnet';

/**
 * route_localnet lets the credentials DNAT to 127.0.0.1 work for packets arriving from containers.
 * pre-start turns it on for all interfaces; post-stop puts back the kernel's default value.
 */
export class LoopbackRouting {
  private readonly runner: CommandRunner;
  private readonly log: Logger;

  constructor(deps: { runner: CommandRunner; log: Logger }) {
    this.runner = deps.runner;
    this.log = deps.log;
  }

  async enable(): Promise<void> {
    await runSysctl(this.runner, this.log, ['-w', `${ALL_KEY}=1`], 'Error enabling route_localnet');
  }

  async restoreDefault(): Promise<void> {
    const result = await runSysctl(this.runner, this.log, [DEFAULT_KEY], 'Error reading default route_localnet');
    const value = parseSysctlInt(result.stdout);
    await runSysctl(this.runner, this.log, ['-w', `${ALL_KEY}=${value}`], 'Error restoring route_localnet');
  }
}

/**
 * Parses `sysctl <key>` output, "<key> = <int>": the part after the first "=", trimmed, must be a
 * decimal integer (Go's strconv.Atoi, as upstream).
 */
export function parseSysctlInt(output: string): number {
  const separator = output.indexOf('=');
  const text = separator < 0 ? '' : output.slice(separator + 1).trim();
  if (!/^[+-]?\d+$/.test(text)) {
    throw new Error(`error parsing default route_localnet value: expected "<key> = <integer>" in sysctl output ${JSON.stringify(output)}`);
  }
  return Number.parseInt(text, 10);
}
