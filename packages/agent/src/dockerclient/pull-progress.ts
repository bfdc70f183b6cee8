import { CannotPullContainerError, DockerTimeoutError } from './docker-errors';

export interface PullDeadlines {
  /** The first progress message must come within this. */
  readonly beginTimeoutMs: number;
  /** Longest silence between progress messages. */
  readonly inactivityTimeoutMs: number;
}

interface ProgressMessage {
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Reads a POST /images/create progress stream to its end. An `error` message fails the pull with the
 * daemon's words (naming the image, as Docker's do); silence past a deadline destroys the stream and
 * fails with DockerTimeoutError. `stream` is the HTTP response body.
 */
export async function followPullProgress(
  image: string,
  stream: NodeJS.ReadableStream & { destroy(error?: Error): void },
  deadlines: PullDeadlines,
): Promise<void> {
  let timedOut: DockerTimeoutError | undefined;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number, transition: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = new DockerTimeoutError(transition, ms);
      stream.destroy(timedOut);
    }, ms);
  };
  arm(deadlines.beginTimeoutMs, 'pullBegin');
  let pending = '';
  try {
    for await (const chunk of stream) {
      arm(deadlines.inactivityTimeoutMs, 'pulled');
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) checkProgressLine(image, line);
    }
    checkProgressLine(image, pending);
  } catch (error) {
    if (timedOut) throw timedOut;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw timedOut;
}

function checkProgressLine(image: string, line: string): void {
  if (line.trim() === '') return;
  let message: ProgressMessage;
  try {
    message = JSON.parse(line) as ProgressMessage;
  } catch {
    return; // Docker writes only JSON here; a torn line is not a pull failure.
  }
  const error = message.error ?? message.errorDetail?.message;
  if (error) throw new CannotPullContainerError(image, `Error response from daemon: ${error}`);
}
