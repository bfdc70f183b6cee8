// Reading fields out of a decoded request body. A wrong type is refused the way ECS refuses it
// (SerializationException for the JSON type, InvalidParameterException for a bad value), always
// naming the field and the value.
import { EcsApiError, invalidParameter } from './errors';

export type Body = Record<string, unknown>;

function render(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function wrongType(field: string, expected: string, value: unknown): EcsApiError {
  return new EcsApiError('SerializationException', `${field}: expected ${expected}, got ${render(value)}`);
}

export function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(field, 'a string', value);
  return value;
}

export function requiredString(body: Body, field: string): string {
  const value = optionalString(body, field);
  if (value === undefined || value === '') throw invalidParameter(`${field} is required, got ${render(body[field])}`);
  return value;
}

export function optionalInteger(body: Body, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw wrongType(field, 'an integer', value);
  return value;
}

export function optionalBoolean(body: Body, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(field, 'a boolean', value);
  return value;
}

export function optionalList<T = unknown>(body: Body, field: string): T[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw wrongType(field, 'a list', value);
  return value as T[];
}

export function stringList(body: Body, field: string): string[] | undefined {
  const list = optionalList(body, field);
  list?.forEach((item, index) => {
    if (typeof item !== 'string') throw wrongType(`${field}[${index}]`, 'a string', item);
  });
  return list as string[] | undefined;
}

export function optionalObject(body: Body, field: string): Body | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(field, 'an object', value);
  return value as Body;
}

export function oneOf<T extends string>(field: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidParameter(`${field} must be one of ${allowed.join(', ')}, got ${render(value)}`);
  }
  return value as T;
}

/** Opaque pagination: the token is the offset of the next page. */
export function paginate<T>(items: T[], body: Body, limit = 100): { page: T[]; nextToken?: string } {
  const maxResults = optionalInteger(body, 'maxResults');
  if (maxResults !== undefined && (maxResults < 1 || maxResults > limit)) {
    throw invalidParameter(`maxResults must be between 1 and ${limit}, got ${maxResults}`);
  }
  const token = optionalString(body, 'nextToken');
  let start = 0;
  if (token !== undefined) {
    start = Number(Buffer.from(token, 'base64url').toString());
    if (!Number.isSafeInteger(start) || start < 0) throw invalidParameter(`nextToken is not a token this server issued, got ${render(token)}`);
  }
  const size = maxResults ?? limit;
  const page = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return next === undefined ? { page } : { page, nextToken: next };
}
