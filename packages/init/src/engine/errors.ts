/** The agent exited with its terminal code (5): the service must stay down, so ecs-init exits 5. */
export class TerminalError extends Error {
  constructor(readonly exitCode: number) {
    super(`agent exited with terminal exit code: ${exitCode}`);
    this.name = 'TerminalError';
  }
}

/** "<context>: <cause>", the shape of every upstream engine error. */
export function wrapError(context: string, cause: unknown): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new Error(`${context}: ${message}`, { cause });
}
