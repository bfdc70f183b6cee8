import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A value that must never reach a log (ECS_ENGINE_AUTH_DATA, AWS keys): it prints, serialises and
 * inspects as "[redacted]", like upstream's SensitiveRawMessage. Only `reveal()` gives the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
