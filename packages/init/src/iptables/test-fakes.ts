// Test doubles shared by the iptables and sysctl unit tests (not used by production code).
import type { CommandResult, CommandRunner, Logger } from '@fractal-ecs/common';

export interface LogEntry {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

/** A Logger that keeps what was logged, so tests can assert warnings and error context. */
export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: string) =>
    (first: unknown, second?: unknown): void => {
      if (typeof first === 'string') entries.push({ level, msg: first });
      else entries.push({ level, msg: String(second ?? ''), fields: first as Record<string, unknown> });
    };
  const log = { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') };
  return Object.assign(log, { child: () => log }) as unknown as Logger & { entries: LogEntry[] };
}

export const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '', all: stdout });
export const fail = (exitCode: number, output: string): CommandResult => ({ exitCode, stdout: '', stderr: output, all: output });

/**
 * Simulates iptables/ip6tables chains well enough for -A/-I/-C/-D with exact-spec matching, and
 * records every argv. `override` can answer a call first (to inject failures).
 */
export class FakeNetfilter implements CommandRunner {
  readonly calls: string[][] = [];
  /** "iptables filter INPUT" -> rule specs, top first. */
  readonly chains = new Map<string, string[]>();
  onPath = new Set(['iptables', 'ip6tables', 'sysctl']);
  override?: (argv: string[]) => CommandResult | undefined;
  /** Canned sysctl answers by argv joined with spaces. */
  sysctl = new Map<string, CommandResult>();

  async lookPath(file: string): Promise<boolean> {
    return this.onPath.has(file);
  }

  async run(file: string, args: readonly string[]): Promise<CommandResult> {
    const argv = [file, ...args];
    this.calls.push(argv);
    const overridden = this.override?.(argv);
    if (overridden) return overridden;
    if (file === 'sysctl') return this.sysctl.get(args.join(' ')) ?? ok();
    const [t, table, flag, chain, ...spec] = args;
    if (t !== '-t' || !table || !flag || !chain) return fail(2, `Bad argument ${args.join(' ')}`);
    const key = `${file} ${table} ${chain}`;
    const rules = this.chains.get(key) ?? [];
    this.chains.set(key, rules);
    const text = spec.join(' ');
    const index = rules.indexOf(text);
    switch (flag) {
      case '-A':
        rules.push(text);
        return ok();
      case '-I':
        rules.unshift(text);
        return ok();
      case '-C':
        return index >= 0 ? ok() : fail(1, `${file}: Bad rule (does a matching rule exist in that chain?).`);
      case '-D':
        if (index < 0) return fail(1, `${file}: Bad rule (does a matching rule exist in that chain?).`);
        rules.splice(index, 1);
        return ok();
      default:
        return fail(2, `unknown flag ${flag}`);
    }
  }

  /** Rules as "<command> <table> <chain>: <spec>", in chain order. */
  listing(): string[] {
    return [...this.chains.entries()].flatMap(([chain, rules]) => rules.map((r) => `${chain}: ${r}`));
  }

  /** Calls that add rules (-A/-I), as command lines. */
  additions(): string[] {
    return this.calls.filter((c) => c[3] === '-A' || c[3] === '-I').map((c) => c.join(' '));
  }
}
