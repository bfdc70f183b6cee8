import { execa } from 'execa';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved, as upstream logs "raw output". */
  all: string;
}

/** Runs host commands (iptables, sysctl, ...). Injected so tests can record argv or run inside a netns. */
export interface CommandRunner {
  run(file: string, args: readonly string[]): Promise<CommandResult>;
  /** Whether an executable is on PATH (Go's exec.LookPath). */
  lookPath(file: string): Promise<boolean>;
}

export const execaRunner: CommandRunner = {
  async run(file, args) {
    const result = await execa(file, args, { reject: false, all: true, stdin: 'ignore' });
    return {
      exitCode: result.exitCode ?? (result.failed ? 255 : 0),
      stdout: result.stdout,
      stderr: result.stderr,
      all: result.all ?? '',
    };
  },
  async lookPath(file) {
    const result = await execa('sh', ['-c', 'command -v "$1"', 'sh', file], { reject: false });
    return result.exitCode === 0 && result.stdout.trim() !== '';
  },
};
