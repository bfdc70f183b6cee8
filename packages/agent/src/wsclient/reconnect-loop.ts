import type { Clock, Logger } from '@fractal-ecs/common';
import type { ExponentialBackoff } from '@fractal-ecs/common';
import type { SessionEnd } from './session-end';

/** One session attempt: discover, connect, serve. `connectedAt` is set once the websocket opened. */
export interface SessionAttempt {
  readonly end: SessionEnd;
  readonly connectedAt?: Date;
}

export interface ReconnectLoopOptions {
  /** ACS or TCS, for the log. */
  readonly name: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly backoff: ExponentialBackoff;
  /** A session that stayed up this long resets the backoff (upstream: the heartbeat timeout plus jitter). */
  readonly stableAfterMs: () => number;
  readonly attempt: () => Promise<SessionAttempt>;
}

/**
 * Keeps a session up: a clean close reconnects at once, a failure waits for the backoff, a pause waits
 * as long as the server asked. Returns when the agent stops or an attempt ends terminally.
 */
export async function runReconnectLoop(options: ReconnectLoopOptions): Promise<SessionEnd> {
  const { clock, logger, signal, backoff, name } = options;
  while (!signal.aborted) {
    const { end, connectedAt } = await options.attempt();
    if (signal.aborted || end.kind === 'stopped') return { kind: 'stopped' };
    if (connectedAt && clock.now().getTime() - connectedAt.getTime() >= options.stableAfterMs()) backoff.reset();
    switch (end.kind) {
      case 'terminal':
        logger.error({ err: end.error.message }, `${name} session ended with an error reconnecting cannot fix`);
        return end;
      case 'closed':
        logger.info({ code: end.code, reason: end.reason }, `${name} connection closed by the server; reconnecting`);
        backoff.reset();
        break;
      case 'pause':
        logger.warn({ err: end.error.message, waitMs: end.ms }, `${name} session paused before reconnecting`);
        await clock.sleep(end.ms, signal);
        break;
      case 'failed': {
        const waitMs = backoff.duration();
        logger.warn({ err: end.error.message, waitMs }, `${name} session failed; reconnecting after backoff`);
        await clock.sleep(waitMs, signal);
        break;
      }
    }
  }
  return { kind: 'stopped' };
}
