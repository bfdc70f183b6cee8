import { formatGoDuration } from '@fractal-ecs/common';

/**
 * Errors of the Docker layer. `name` is upstream's error name: the engine reports a failed transition as
 * `"<name>: <message>"` (e.g. `CannotPullContainerError: ...`), the reason ECS users see.
 */
export class DockerError extends Error {
  /** HTTP status of the Engine API answer, when there was one. */
  readonly statusCode: number | undefined;

  constructor(name: string, message: string, statusCode?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
    this.statusCode = statusCode;
  }

  /** The reason string upstream reports for a failed transition. */
  get reason(): string {
    return `${this.name}: ${this.message}`;
  }
}

/** The call did not finish within its deadline. `transition` reads like upstream's ("created", "pulled"). */
export class DockerTimeoutError extends DockerError {
  constructor(
    readonly transition: string,
    readonly timeoutMs: number,
  ) {
    super('DockerTimeoutError', `Could not transition to ${transition}; timed out after waiting ${formatGoDuration(timeoutMs)}`);
  }
}

export class NoSuchContainerError extends DockerError {
  constructor(readonly container: string, message?: string) {
    super('NoSuchContainerError', message ?? `No such container: ${container}`, 404);
  }
}

export class NoSuchImageError extends DockerError {
  constructor(readonly image: string, message?: string) {
    super('NoSuchImageError', message ?? `No such image: ${image}`, 404);
  }
}

export class NoSuchVolumeError extends DockerError {
  constructor(readonly volume: string, message?: string) {
    super('NoSuchVolumeError', message ?? `No such volume: ${volume}`, 404);
  }
}

/** A pull failed: the message carries the image and the registry's own words. */
export class CannotPullContainerError extends DockerError {
  constructor(readonly image: string, message: string, statusCode?: number) {
    super('CannotPullContainerError', message, statusCode);
  }
}

/** Operations whose failures upstream reports under their own error names. */
export type DockerOperation =
  | 'CannotCreateContainerError'
  | 'CannotStartContainerError'
  | 'CannotStopContainerError'
  | 'CannotInspectContainerError'
  | 'CannotRemoveContainerError'
  | 'CannotListContainersError'
  | 'CannotInspectImageError'
  | 'CannotListImagesError'
  | 'CannotRemoveImageError'
  | 'CannotCreateVolumeError'
  | 'CannotInspectVolumeError'
  | 'CannotRemoveVolumeError'
  | 'CannotGetDockerInfoError'
  | 'CannotGetContainerStatsError'
  | 'CannotGetDockerVersionError'
  | 'DockerEventStreamError';

/** Any other Engine API failure, named after the operation. */
export class DockerOperationError extends DockerError {
  constructor(operation: DockerOperation, message: string, statusCode?: number, options?: { cause?: unknown }) {
    super(operation, message, statusCode, options);
  }

  /**
   * Whether retrying may help: upstream retries a stop on a timeout or a daemon error (5xx), and treats
   * a client error (4xx) as final.
   */
  get retriable(): boolean {
    return this.statusCode === undefined || this.statusCode >= 500;
  }
}
