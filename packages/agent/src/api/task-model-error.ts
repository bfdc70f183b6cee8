// Why an ACS task cannot become a model, or a container cannot be rendered: always names the field
// (as a path into the ACS task) and the value, so the engine can stop that task alone with a clear reason.

export class TaskModelError extends Error {
  override readonly name = 'TaskModelError';

  /** `field` is a path such as `containers[1].volumesFrom[0].sourceContainer`. */
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

export type ModelResult<T> = { ok: true; value: T } | { ok: false; error: TaskModelError };

export function modelOk<T>(value: T): ModelResult<T> {
  return { ok: true, value };
}

export function modelError<T>(field: string, problem: string): ModelResult<T> {
  return { ok: false, error: new TaskModelError(field, problem) };
}
