/**
 * Collects what loading found wrong. Warnings: the value was ignored (or clamped) and loading went on.
 * Problems: upstream treats the value as fatal (NewConfig returns an error and the agent exits 1).
 * Messages name the variable and its value, except for secrets, whose values never appear.
 */
export class Diagnostics {
  readonly warnings: string[] = [];
  readonly problems: string[] = [];

  warn(message: string): void {
    this.warnings.push(message);
  }

  fatal(message: string): void {
    this.problems.push(message);
  }
}

/** NAME="value", quoted so empty strings and spaces show; JSON values are single-quoted to stay readable. */
export function shown(name: string, value: string): string {
  return value.includes('"') ? `${name}='${value}'` : `${name}="${value}"`;
}
