// Integration-test helper (not used by production code): a throwaway network namespace and a
// CommandRunner that runs everything inside it, so real iptables/sysctl never touch the host.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { execaRunner, type CommandResult, type CommandRunner } from '@fractal-ecs/common';

/** Why namespaced integration tests cannot run here, or undefined when they can. */
export function netnsUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root';
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `"ip netns" is unavailable: ${probe.error?.message ?? probe.stderr}`;
  return undefined;
}

export class NetnsRunner implements CommandRunner {
  readonly name = `ecsinit-${randomBytes(4).toString('hex')}`;

  async create(): Promise<void> {
    await mustRun(execaRunner, 'ip', ['netns', 'add', this.name]);
    await this.mustRun('ip', ['link', 'set', 'lo', 'up']);
  }

  async destroy(): Promise<void> {
    await execaRunner.run('ip', ['netns', 'delete', this.name]);
  }

  run(file: string, args: readonly string[]): Promise<CommandResult> {
    return execaRunner.run('ip', ['netns', 'exec', this.name, file, ...args]);
  }

  lookPath(file: string): Promise<boolean> {
    return execaRunner.lookPath(file);
  }

  /** Runs a setup/inspection command inside the namespace; throws on failure. */
  mustRun(file: string, args: readonly string[]): Promise<string> {
    return mustRun(this, file, args);
  }
}

async function mustRun(runner: CommandRunner, file: string, args: readonly string[]): Promise<string> {
  const result = await runner.run(file, args);
  if (result.exitCode !== 0) throw new Error(`${[file, ...args].join(' ')} failed (${result.exitCode}): ${result.all}`);
  return result.stdout;
}
