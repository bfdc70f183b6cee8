// A few combinators that check decoded JSON against a message shape and infer the TypeScript type
// from the same declaration, so the checked shape and the type cannot drift apart. They follow the
// Go decoder the upstream agent uses: unknown keys are dropped, null reads as absent, numbers must
// be JSON numbers (integers where the model says Integer/Long), and the first mismatch is reported
// with its path and value instead of being thrown.

export interface Issue {
  /** Path of the offending field, e.g. `message.tasks[0].containers[1].cpu`. */
  field: string;
  /** The value found there (undefined when the field is missing). */
  value: unknown;
  /** What the shape wanted, e.g. `an integer`. */
  expected: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; issue: Issue };

export interface Schema<T> {
  readonly expected: string;
  check(value: unknown, field: string): Checked<T>;
}

export interface OptionalSchema<T> extends Schema<T> {
  readonly optional: true;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalSchema<unknown> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

function primitive<T>(expected: string, test: (value: unknown) => boolean): Schema<T> {
  return {
    expected,
    check: (value, field) => (test(value) ? { ok: true, value: value as T } : { ok: false, issue: { field, value, expected } }),
  };
}

export const str = primitive<string>('a string', (v) => typeof v === 'string');
export const num = primitive<number>('a number', (v) => typeof v === 'number' && Number.isFinite(v));
export const int = primitive<number>('an integer', (v) => typeof v === 'number' && Number.isSafeInteger(v));
export const bool = primitive<boolean>('a boolean', (v) => typeof v === 'boolean');

export function opt<T>(schema: Schema<T>): OptionalSchema<T> {
  return { ...schema, optional: true, check: schema.check };
}

export function arr<T>(item: Schema<T>): Schema<T[]> {
  return {
    expected: `a list of ${item.expected}`,
    check(value, field) {
      if (!Array.isArray(value)) return { ok: false, issue: { field, value, expected: this.expected } };
      const out: T[] = [];
      for (const [index, element] of value.entries()) {
        const result = item.check(element, `${field}[${index}]`);
        if (!result.ok) return result;
        out.push(result.value);
      }
      return { ok: true, value: out };
    },
  };
}

/** A JSON object used as a map (environment, driverOpts, labels, ...). */
export function record<T>(item: Schema<T>): Schema<Record<string, T>> {
  return {
    expected: `a map of ${item.expected}`,
    check(value, field) {
      if (!isPlainObject(value)) return { ok: false, issue: { field, value, expected: this.expected } };
      const out: Record<string, T> = {};
      for (const [key, element] of Object.entries(value)) {
        if (element === null) continue;
        const result = item.check(element, `${field}.${key}`);
        if (!result.ok) return result;
        out[key] = result.value;
      }
      return { ok: true, value: out };
    },
  };
}

export function obj<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  return {
    expected: 'an object',
    check(value, field) {
      if (!isPlainObject(value)) return { ok: false, issue: { field, value, expected: 'an object' } };
      const out: Record<string, unknown> = {};
      for (const [key, schema] of Object.entries(shape)) {
        const element = value[key];
        const path = field ? `${field}.${key}` : key;
        if (element === undefined || element === null) {
          if ('optional' in schema) continue;
          return { ok: false, issue: { field: path, value: element, expected: schema.expected } };
        }
        const result = schema.check(element, path);
        if (!result.ok) return result;
        out[key] = result.value;
      }
      return { ok: true, value: out as ObjectOf<S> };
    },
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `field: expected an integer, got "12"` — short enough for a log line, whatever the value. */
export function describeIssue(issue: Issue): string {
  return `${issue.field}: expected ${issue.expected}, got ${renderValue(issue.value)}`;
}

export function renderValue(value: unknown): string {
  if (value === undefined) return 'nothing (field missing)';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
