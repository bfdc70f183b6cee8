/** How one websocket session ended, which decides when the client connects again. */
export type SessionEnd =
  /** The server closed normally or the stream ended (EOF): reconnect at once, backoff reset. */
  | { readonly kind: 'closed'; readonly code: number; readonly reason: string }
  /** Anything else (refused handshake, inactivity, protocol error): reconnect after the backoff. */
  | { readonly kind: 'failed'; readonly error: Error }
  /** The server asked for a pause (InactiveInstanceException: one hour). */
  | { readonly kind: 'pause'; readonly ms: number; readonly error: Error }
  /** Reconnecting cannot help (unretriable ACS error): the agent exits. */
  | { readonly kind: 'terminal'; readonly error: Error }
  /** The agent is shutting down. */
  | { readonly kind: 'stopped' };

/** Close codes upstream's websocket client reports as EOF: the session ends cleanly. */
const CLEAN_CLOSE_CODES = new Set([1000, 1001, 1006, 1011]);

export function isCleanClose(code: number): boolean {
  return CLEAN_CLOSE_CODES.has(code);
}
