import type { Clock } from '@fractal-ecs/common';
import type { WsConnection } from './connection';
import { DeadlineTimer } from './deadline-timer';
import { isCleanClose, type SessionEnd } from './session-end';

/** What a message handler may do to the session it runs in. */
export interface SessionControl {
  /** Proof of life from the server: restarts the inactivity timeout. */
  keepAlive(): void;
  /** Ends the session (closing the websocket) with this outcome. */
  end(outcome: SessionEnd): void;
}

export interface ServeOptions {
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Drawn again at every keepAlive (upstream: 1 min plus up to 1 min of jitter). */
  readonly inactivityTimeoutMs: () => number;
  /** Every text frame; must not throw (frames are untrusted), but a throw only drops that frame. */
  readonly onMessage: (text: string, control: SessionControl) => void;
  readonly onHandlerError?: (error: unknown) => void;
}

/**
 * Serves one open websocket until it closes, the server goes quiet for the inactivity timeout, a
 * handler ends it, or the agent stops (then it closes with 1000).
 */
export function serveConnection(connection: WsConnection, options: ServeOptions): Promise<SessionEnd> {
  return new Promise<SessionEnd>((resolve) => {
    let outcome: SessionEnd | undefined;
    const finish = (end: SessionEnd, closeCode = 1000, closeReason = '') => {
      if (outcome) return;
      outcome = end;
      timer.stop();
      options.signal.removeEventListener('abort', onAbort);
      connection.close(closeCode, closeReason);
    };
    const timer = new DeadlineTimer(options.clock, options.inactivityTimeoutMs, () =>
      finish({ kind: 'failed', error: new Error('no message from the server within the inactivity timeout') }, 1000, 'inactivity timeout'),
    );
    const onAbort = () => finish({ kind: 'stopped' }, 1000, 'agent shutting down');
    const control: SessionControl = { keepAlive: () => !outcome && timer.reset(), end: (end) => finish(end) };

    connection.onMessage((text) => {
      if (outcome) return;
      try {
        options.onMessage(text, control);
      } catch (error) {
        options.onHandlerError?.(error);
      }
    });
    void connection.closed.then((info) => {
      if (!outcome) {
        outcome = isCleanClose(info.code)
          ? { kind: 'closed', code: info.code, reason: info.reason }
          : { kind: 'failed', error: info.error ?? new Error(`websocket closed with code ${info.code} ${info.reason}`.trim()) };
        timer.stop();
        options.signal.removeEventListener('abort', onAbort);
      }
      resolve(outcome);
    });
    if (options.signal.aborted) return onAbort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    timer.reset();
  });
}
