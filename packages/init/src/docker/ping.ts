import { formatGoDuration, type Clock, type Logger } from '@fractal-ecs/common';
import { ExponentialBackoff, DOCKER_PING_BACKOFF, type BackoffOptions } from '../backoff';

/**
 * Whether a failed ping is worth retrying: the daemon not (yet) listening, or any HTTP status but 400
 * (400 means the client speaks an API version the daemon refuses; waiting will not change that).
 */
export function isRetryablePingError(err: unknown): boolean {
  const e = err as { statusCode?: unknown; syscall?: unknown; code?: unknown };
  if (typeof e?.statusCode === 'number') return e.statusCode !== 200 && e.statusCode !== 400;
  // Socket-level failures (ENOENT, ECONNREFUSED, EACCES...) carry the failing syscall.
  return typeof e?.syscall === 'string' || e?.code === 'ECONNRESET';
}

export interface PingOptions {
  clock: Clock;
  log: Pick<Logger, 'warn'>;
  backoff?: BackoffOptions;
}

/** Pings until the daemon answers, backing off 1, 2, 3, 3, 3 s (+jitter) between retryable failures. */
export async function pingWithRetry(ping: () => Promise<unknown>, options: PingOptions): Promise<void> {
  const backoff = new ExponentialBackoff(options.backoff ?? DOCKER_PING_BACKOFF);
  for (;;) {
    try {
      await ping();
      return;
    } catch (err) {
      if (!isRetryablePingError(err) || !backoff.shouldRetry()) throw err;
      const delay = backoff.duration();
      options.log.warn(`Error connecting to docker, backing off for ${formatGoDuration(delay)}, error: ${(err as Error).message}`);
      await options.clock.sleep(delay);
    }
  }
}
