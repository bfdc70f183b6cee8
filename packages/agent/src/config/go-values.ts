import { isIPv4, isIPv6 } from 'node:net';
import type { ImagePullBehavior } from './agent-config';
import type { FieldKind } from './upstream-fields';
import { Secret } from './secret';

// Value grammars upstream gets from Go's strconv and encoding/json, so a value Amazon's agent accepts
// means the same here and one it rejects is rejected here.

/** strconv.ParseUint(s, 10, 16): digits only, no sign or spaces, at most 65535. */
export function parseGoUint16(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value <= 0xffff ? value : undefined;
}

/** strconv.Atoi: optional sign, digits, no spaces. */
export function parseGoInt(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** strconv.ParseFloat for the decimal forms people write ("10", "2.5", "1e1"); finite only. */
export function parseGoFloat(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** net.ParseCIDR: an IPv4 or IPv6 address, a slash and a prefix length that fits it. */
export function isCidr(text: string): boolean {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return false;
  const address = text.slice(0, slash);
  const prefix = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const bits = isIPv4(address) ? 32 : isIPv6(address) ? 128 : -1;
  return Number(prefix) <= bits;
}

/**
 * The reason JSON.parse failed, as a position only: engine messages quote the input, which may hold
 * a secret (EngineAuthData in the file).
 */
export function jsonErrorPosition(text: string, error: unknown): string {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (!match) return 'it is not valid JSON';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `it is not valid JSON (line ${line}, column ${column})`;
}

const IMAGE_PULL_BEHAVIORS: readonly ImagePullBehavior[] = ['default', 'always', 'once', 'prefer-cached'];
const PROPAGATE_TAGS_FROM = ['none', 'ec2_instance'] as const;

export type Decoded = { ok: true; value: unknown } | { ok: false; expected: string };

const unset: Decoded = { ok: true, value: undefined };
const set = (value: unknown): Decoded => ({ ok: true, value });
const fail = (expected: string): Decoded => ({ ok: false, expected });

const isUint16 = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A decoded JSON value as encoding/json would store it in upstream's Config field of this kind, with
 * Go's zero values (and null) turned into `undefined` so the next source applies.
 */
export function decodeJsonValue(kind: FieldKind, value: unknown): Decoded {
  if (value === null) return unset;
  switch (kind) {
    case 'string':
    case 'trimmedString': {
      if (typeof value !== 'string') return fail('a string');
      const text = kind === 'trimmedString' ? value.trim() : value;
      return text === '' ? unset : set(text);
    }
    case 'triState':
      // Upstream runs strconv.ParseBool over the raw JSON token, so 1 and 0 pass too.
      if (value === true || value === 1) return set(true);
      if (value === false || value === 0) return set(false);
      return fail('true, false or null');
    case 'bool':
      if (typeof value !== 'boolean') return fail('true or false');
      return value ? set(true) : unset;
    case 'duration':
      if (!Number.isSafeInteger(value)) return fail('an integer number of nanoseconds');
      return value === 0 ? unset : set((value as number) / 1e6);
    case 'uint16':
      if (!isUint16(value)) return fail('an integer from 0 to 65535');
      return value === 0 ? unset : set(value);
    case 'int':
      if (!Number.isSafeInteger(value)) return fail('an integer');
      return value === 0 ? unset : set(value);
    case 'uint16List':
      if (!Array.isArray(value) || !value.every(isUint16)) return fail('a JSON array of ports like [22,80]');
      return value.length === 0 ? unset : set(value);
    case 'stringList':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
        return fail('a JSON array of strings like ["json-file","none"]');
      return value.length === 0 ? unset : set(value);
    case 'cidrList':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && isCidr(v)))
        return fail('a JSON array of CIDRs like ["10.0.15.0/24"]');
      return value.length === 0 ? unset : set(value);
    case 'stringMap':
      if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string'))
        return fail('a JSON object of strings like {"stack":"prod"}');
      return Object.keys(value).length === 0 ? unset : set(value);
    case 'secretJson':
      return set(new Secret(JSON.stringify(value)));
    case 'imagePullBehavior':
      return decodeEnumIndex(value, IMAGE_PULL_BEHAVIORS);
    case 'propagateTagsFrom':
      return decodeEnumIndex(value, PROPAGATE_TAGS_FROM);
  }
}

/** Upstream's enums are int8 in the file; index 0 is the default, i.e. unset. */
function decodeEnumIndex(value: unknown, names: readonly string[]): Decoded {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) >= names.length) {
    return fail(names.map((name, index) => `${index} (${name})`).join(', '));
  }
  return value === 0 ? unset : set(names[value as number]);
}
