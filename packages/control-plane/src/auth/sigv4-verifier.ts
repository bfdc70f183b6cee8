// Checks AWS Signature Version 4 on what the agent and the SDK send: API requests and websocket
// upgrades (signed headers or a presigned URL) and TCS frames. The signature is recomputed with the
// SDK's own signer from the received request, restricted to the headers the client says it signed,
// and compared in constant time.
import { timingSafeEqual, createHash } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ReceivedRequest {
  method: string;
  /** Path without the query, as received. */
  path: string;
  /** Decoded query parameters; a repeated name gives a list. */
  query: Record<string, string | string[]>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body?: string;
}

/** AWS error types a refused signature gets, with AWS's wording. */
export type AuthFailure = { type: 'MissingAuthenticationTokenException' | 'UnrecognizedClientException' | 'InvalidSignatureException' | 'IncompleteSignatureException'; message: string };
export type AuthResult = { ok: true; accessKeyId: string } | ({ ok: false } & AuthFailure);

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** AWS refuses requests signed more than 5 minutes away from its clock. */
const MAX_SKEW_MS = 5 * 60 * 1000;
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token'];

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export class SigV4Verifier {
  constructor(
    private readonly credentials: Credentials,
    private readonly region: string,
    private readonly service: string,
    private readonly now: () => Date,
  ) {}

  async verify(request: ReceivedRequest): Promise<AuthResult> {
    const presigned = typeof request.query['X-Amz-Signature'] === 'string';
    const authorization = request.headers.authorization;
    if (!presigned && !authorization) return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
    const parsed = presigned ? parsePresignedQuery(request.query) : parseAuthorizationHeader(authorization!);
    if ('type' in parsed) return { ok: false, ...parsed };
    if (parsed.accessKeyId !== this.credentials.accessKeyId) {
      return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    if (parsed.region !== this.region) {
      return fail('InvalidSignatureException', `Credential should be scoped to a valid region, not '${parsed.region}'.`);
    }
    if (parsed.service !== this.service) {
      return fail('InvalidSignatureException', `Credential should be scoped to correct service: '${this.service}'.`);
    }
    const amzDate = presigned ? (request.query['X-Amz-Date'] as string | undefined) : request.headers['x-amz-date'];
    const signedAt = amzDate ? parseAmzDate(amzDate) : undefined;
    if (!signedAt || amzDate!.slice(0, 8) !== parsed.date) {
      return fail('IncompleteSignatureException', `X-Amz-Date must be a date like 20210301T000000Z matching the credential scope, got '${amzDate ?? ''}'.`);
    }
    const skewFailure = this.checkTime(signedAt, amzDate!, presigned ? Number(request.query['X-Amz-Expires']) : undefined);
    if (skewFailure) return skewFailure;
    if (!parsed.signedHeaders.includes('host')) return fail('InvalidSignatureException', "'Host' must be a signed header.");

    const headers: Record<string, string> = {};
    for (const name of parsed.signedHeaders) {
      const value = request.headers[name];
      if (value === undefined) return fail('InvalidSignatureException', `Signed header '${name}' is missing from the request.`);
      headers[name] = value;
    }
    const declaredPayloadHash = headers['x-amz-content-sha256'];
    if (declaredPayloadHash !== undefined && declaredPayloadHash !== sha256Hex(request.body ?? '')) {
      return fail('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.');
    }
    const expected = presigned
      ? await this.presignedSignature(request, headers, parsed, signedAt)
      : await this.headerSignature(request, headers, parsed, signedAt);
    if (!sameHex(expected, parsed.signature)) {
      return fail(
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    }
    return { ok: true, accessKeyId: parsed.accessKeyId };
  }

  private checkTime(signedAt: Date, amzDate: string, expiresSeconds: number | undefined): AuthResult | undefined {
    const now = this.now().getTime();
    if (expiresSeconds !== undefined) {
      if (!Number.isInteger(expiresSeconds) || expiresSeconds <= 0) return fail('IncompleteSignatureException', 'X-Amz-Expires must be a positive integer.');
      if (now > signedAt.getTime() + expiresSeconds * 1000 || signedAt.getTime() - now > MAX_SKEW_MS) {
        return fail('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than the allowed window.`);
      }
      return undefined;
    }
    if (Math.abs(now - signedAt.getTime()) > MAX_SKEW_MS) {
      return fail('InvalidSignatureException', `Signature expired: ${amzDate} is outside 5 minutes of the server time ${formatAmzDate(new Date(now))}.`);
    }
    return undefined;
  }

  private signer(sessionToken: string | undefined): SignatureV4 {
    return new SignatureV4({
      credentials: { ...this.credentials, ...(sessionToken ? { sessionToken } : {}) },
      region: this.region,
      service: this.service,
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: false,
    });
  }

  private async headerSignature(request: ReceivedRequest, headers: Record<string, string>, parsed: ParsedAuthorization, signedAt: Date): Promise<string> {
    const signed = await this.signer(headers['x-amz-security-token']).sign(
      new HttpRequest({ method: request.method, protocol: 'https:', hostname: hostOf(headers.host!), path: request.path, query: request.query, headers, body: request.body }),
      { signingDate: signedAt, signableHeaders: new Set(parsed.signedHeaders) },
    );
    return /Signature=([0-9a-f]+)/.exec(signed.headers.authorization ?? '')?.[1] ?? '';
  }

  private async presignedSignature(request: ReceivedRequest, headers: Record<string, string>, parsed: ParsedAuthorization, signedAt: Date): Promise<string> {
    const query = Object.fromEntries(Object.entries(request.query).filter(([key]) => !PRESIGN_PARAMS.includes(key)));
    const token = request.query['X-Amz-Security-Token'];
    const presigned = await this.signer(typeof token === 'string' ? token : undefined).presign(
      new HttpRequest({ method: request.method, protocol: 'https:', hostname: hostOf(headers.host!), path: request.path, query, headers }),
      { signingDate: signedAt, expiresIn: Number(request.query['X-Amz-Expires']), signableHeaders: new Set(parsed.signedHeaders), unhoistableHeaders: new Set(Object.keys(headers)) },
    );
    const signature = presigned.query?.['X-Amz-Signature'];
    return typeof signature === 'string' ? signature : '';
  }
}

function parseAuthorizationHeader(value: string): ParsedAuthorization | AuthFailure {
  if (!value.startsWith(`${ALGORITHM} `)) {
    return { type: 'IncompleteSignatureException', message: `Authorization header requires the ${ALGORITHM} algorithm, got '${value.split(' ')[0]}'.` };
  }
  const parts: Record<string, string> = {};
  for (const part of value.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  for (const name of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!parts[name]) return { type: 'IncompleteSignatureException', message: `Authorization header requires '${name}' parameter.` };
  }
  return parseScope(parts.Credential!, parts.SignedHeaders!, parts.Signature!);
}

function parsePresignedQuery(query: Record<string, string | string[]>): ParsedAuthorization | AuthFailure {
  const values: Record<string, string> = {};
  for (const name of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-Expires']) {
    const value = query[name];
    if (typeof value !== 'string' || value === '') return { type: 'IncompleteSignatureException', message: `Presigned URL requires the '${name}' query parameter.` };
    values[name] = value;
  }
  if (values['X-Amz-Algorithm'] !== ALGORITHM) {
    return { type: 'IncompleteSignatureException', message: `X-Amz-Algorithm must be ${ALGORITHM}, got '${values['X-Amz-Algorithm']}'.` };
  }
  return parseScope(values['X-Amz-Credential']!, values['X-Amz-SignedHeaders']!, values['X-Amz-Signature']!);
}

function parseScope(credential: string, signedHeaders: string, signature: string): ParsedAuthorization | AuthFailure {
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !/^\d{8}$/.test(scope[1]!)) {
    return { type: 'IncompleteSignatureException', message: `Credential must be <key>/<yyyymmdd>/<region>/<service>/aws4_request, got '${credential}'.` };
  }
  return {
    accessKeyId: scope[0]!,
    date: scope[1]!,
    region: scope[2]!,
    service: scope[3]!,
    signedHeaders: signedHeaders.split(';').map((name) => name.trim().toLowerCase()),
    signature: signature.toLowerCase(),
  };
}

export function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function formatAmzDate(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

function hostOf(hostHeader: string): string {
  return hostHeader.replace(/:\d+$/, '');
}

function sha256Hex(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

function fail(type: AuthFailure['type'], message: string): AuthResult {
  return { ok: false, type, message };
}

/** Decodes a URL's query into the record form the signer takes. */
export function queryRecord(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of search) {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}
