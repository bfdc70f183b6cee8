import type { Clock, Logger } from '@fractal-ecs/common';

/** Upstream's termination limits (agent/sighandlers): the engine gets 5 s to settle, then the state 3 s to reach disk. */
export const FINAL_SAVE_LIMITS = { engineDisableMs: 5_000, saveMs: 3_000 } as const;

export interface FinalSaveLimits {
  readonly engineDisableMs: number;
  readonly saveMs: number;
}

export interface FinalSaveSteps {
  /** Stops the task engine, so the state stops changing. */
  disableEngine(): Promise<void>;
  /** Writes the whole state (the agent checkpoint). */
  save(): Promise<void>;
}

/**
 * Upstream's FinalSave, run on the way out: the engine is disabled, waited for at most 5 s, then the
 * state is saved, waited for at most 3 s; the save runs even when the engine did not settle. Only running
 * out of time is a failure: like upstream, which logs each record it cannot write and goes on, a failed
 * write is logged. A step still running is abandoned to the process exit; the checkpoint is replaced
 * atomically, so the previous one stays whole. Resolves the failures, none when both steps finished in time.
 */
export async function finalSave(steps: FinalSaveSteps, clock: Clock, logger: Logger, limits: FinalSaveLimits = FINAL_SAVE_LIMITS): Promise<string[]> {
  const failures: string[] = [];
  logger.info('Shutting down the task engine for the final save');
  const disabled = await within(steps.disableEngine, limits.engineDisableMs, clock);
  if (disabled === 'timeout') failures.push(`final save: timed out after ${limits.engineDisableMs} ms waiting for the task engine to settle`);
  else if (disabled !== 'done') logger.error({ err: disabled.message }, 'Task engine shutdown failed');
  const saved = await within(steps.save, limits.saveMs, clock);
  if (saved === 'timeout') failures.push(`final save: timed out after ${limits.saveMs} ms trying to save the state to disk`);
  else if (saved !== 'done') logger.error({ err: saved.message }, 'Final save: cannot write the agent state');
  else logger.info('Saved the agent state before shutting down');
  return failures;
}

/** Runs `work`, waiting for it at most `ms`: 'done', its error, or 'timeout' (the work is left running). */
async function within(work: () => Promise<void>, ms: number, clock: Clock): Promise<'done' | 'timeout' | Error> {
  const finished = new AbortController();
  const outcome = Promise.resolve()
    .then(work)
    .then(
      () => 'done' as const,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
  const deadline = clock.sleep(ms, finished.signal).then(() => 'timeout' as const);
  try {
    return await Promise.race([outcome, deadline]);
  } finally {
    finished.abort();
  }
}
