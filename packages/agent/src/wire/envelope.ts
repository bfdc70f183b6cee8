// The frame both websocket protocols (ACS and TCS) use in both directions:
// {"type":"<MessageTypeName>","message":{...}}. A frame without `type` may be the error-map form a
// backend sends on failures, {"<SomeException>":"<text>"}, which reads as that exception's frame.
import { describeIssue, isPlainObject, renderValue, type Infer, type Schema } from './schema';

export type Catalog = Record<string, Schema<unknown>>;

/** The typed frames of a catalog: a union discriminated by `type`. */
export type FrameOf<C extends Catalog> = { [K in keyof C & string]: { type: K; message: Infer<C[K]> } }[keyof C & string];

export interface WireError {
  /** The offending field, from the frame root: `type`, `message.tasks[0].arn`, ... */
  field: string;
  /** The value found there, rendered as JSON (shortened). */
  value: string;
  /** One line: `<field>: expected <what>, got <value>`. */
  message: string;
}

export type ParseResult<F> =
  | { kind: 'message'; frame: F }
  /** A well-formed frame whose type this side does not handle; upstream logs and drops these. */
  | { kind: 'unknown'; type: string; message: unknown }
  | { kind: 'invalid'; error: WireError };

export function encodeFrame(frame: { type: string; message: unknown }): string {
  return JSON.stringify({ type: frame.type, message: frame.message });
}

/** Decodes one text frame against a catalog. Never throws: bad input comes back as `invalid`. */
export function parseFrame<C extends Catalog>(text: string, catalog: C, errorTypes: readonly string[]): ParseResult<FrameOf<C>> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch (error) {
    return invalid('frame', text, `expected a JSON object (${(error as Error).message})`);
  }
  if (!isPlainObject(decoded)) return invalid('frame', decoded, 'expected a JSON object');
  let type = decoded.type;
  let body = decoded.message;
  if (type === undefined) {
    const errorMap = readErrorMap(decoded, errorTypes);
    if (!errorMap) return invalid('type', undefined, 'expected a message type name');
    [type, body] = [errorMap.type, { message: errorMap.message }];
  }
  if (typeof type !== 'string' || type === '') return invalid('type', type, 'expected a message type name');
  const schema = Object.hasOwn(catalog, type) ? catalog[type] : undefined;
  if (!schema) return { kind: 'unknown', type, message: body };
  const checked = schema.check(body ?? {}, 'message');
  if (!checked.ok) {
    return { kind: 'invalid', error: { field: checked.issue.field, value: renderValue(checked.issue.value), message: describeIssue(checked.issue) } };
  }
  return { kind: 'message', frame: { type, message: checked.value } as FrameOf<C> };
}

/** `{"InactiveInstanceException":"..."}`: the body of a refused handshake or a type-less error frame. */
export function readErrorMap(value: unknown, errorTypes: readonly string[]): { type: string; message: string } | undefined {
  if (!isPlainObject(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length !== 1) return undefined;
  const [type, message] = entries[0]!;
  if (!errorTypes.includes(type) || typeof message !== 'string') return undefined;
  return { type, message };
}

function invalid(field: string, value: unknown, expected: string): { kind: 'invalid'; error: WireError } {
  const rendered = renderValue(value);
  return { kind: 'invalid', error: { field, value: rendered, message: `${field}: ${expected}, got ${rendered}` } };
}
