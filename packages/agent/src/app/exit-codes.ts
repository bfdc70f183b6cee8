/** Upstream's exit codes (agent/sighandlers/exitcodes); ecs-init's unit decides on restarts from them. */
export const ExitCode = {
  /** Clean stop: do not restart. */
  success: 0,
  /** Transient failure: restart. */
  error: 1,
  /** Restarting cannot help: do not restart. */
  terminal: 5,
  /** ecs-init loads the staged update image (`desired-image`) and restarts. */
  update: 42,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
