import type { CommandResult, CommandRunner, Logger } from '@fractal-ecs/common';

/** Runs `sysctl <args>` (found on PATH, as upstream); a non-zero exit throws with the raw output. */
export async function runSysctl(runner: CommandRunner, log: Logger, args: readonly string[], failure: string): Promise<CommandResult> {
  const result = await runner.run('sysctl', args);
  if (result.exitCode !== 0) {
    const output = result.all.trim();
    const command = ['sysctl', ...args].join(' ');
    log.error({ argv: ['sysctl', ...args], exitCode: result.exitCode, output }, `${failure}: exit status ${result.exitCode}; raw output: ${output}`);
    throw new Error(`${failure}: ${command}: exit status ${result.exitCode}: ${output}`);
  }
  return result;
}
