// An IMDSv2-compatible instance metadata service for the emulated instance: session tokens from
// PUT /latest/api/token, then GETs carrying X-aws-ec2-metadata-token (v1 requests without a token
// are answered too, as IMDS does with HttpTokens=optional). Plain-text answers, 404 for the rest.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatedEc2 } from '../ec2/emulated-instance';

export const IMDS_PATH_PREFIX = '/latest/';
const MAX_TOKEN_TTL_SECONDS = 21_600;

/** The request path with repeated slashes collapsed: the SDK's client asks for `//latest/...` when its endpoint ends in `/`. */
export function imdsPath(rawUrl: string | undefined): string {
  return (rawUrl ?? '/').split('?')[0]!.replace(/\/{2,}/g, '/');
}

export class InstanceMetadataService {
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly ec2: EmulatedEc2,
    private readonly now: () => Date,
  ) {}

  handle(request: IncomingMessage, response: ServerResponse): void {
    const path = imdsPath(request.url);
    if (path === '/latest/api/token') return this.issueToken(request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'Method Not Allowed');
    const token = request.headers['x-aws-ec2-metadata-token'];
    if (token !== undefined && !this.validToken(String(token))) return send(response, 401, 'Unauthorized');
    const answer = this.resource(path.replace(/\/$/, ''));
    if (answer === undefined) return send(response, 404, 'Not Found');
    send(response, 200, answer);
  }

  private resource(path: string): string | undefined {
    const { instance } = this.ec2;
    switch (path) {
      case '/latest/meta-data/instance-id':
        return instance.instanceId;
      case '/latest/meta-data/instance-type':
        return instance.instanceType;
      case '/latest/meta-data/ami-id':
        return instance.imageId;
      case '/latest/meta-data/local-ipv4':
        return instance.privateIp;
      case '/latest/meta-data/placement/region':
        return instance.region;
      case '/latest/meta-data/placement/availability-zone':
        return instance.availabilityZone;
      case '/latest/meta-data/spot/instance-action':
        return this.ec2.spotInstanceAction();
      case '/latest/dynamic/instance-identity/document':
        return this.ec2.identityDocument();
      case '/latest/dynamic/instance-identity/signature':
        return this.ec2.identitySignature();
      default:
        return undefined;
    }
  }

  private issueToken(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== 'PUT') return send(response, 405, 'Method Not Allowed');
    // IMDS refuses token requests that went through a proxy.
    if (request.headers['x-forwarded-for'] !== undefined) return send(response, 403, 'Forbidden');
    const ttlHeader = request.headers['x-aws-ec2-metadata-token-ttl-seconds'];
    const ttl = Number(ttlHeader);
    if (ttlHeader === undefined || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_SECONDS) {
      return send(response, 400, `X-aws-ec2-metadata-token-ttl-seconds: expected 1-${MAX_TOKEN_TTL_SECONDS}, got ${JSON.stringify(ttlHeader ?? null)}`);
    }
    const token = randomBytes(32).toString('base64url');
    const nowMs = this.now().getTime();
    for (const [known, expiry] of this.tokens) if (expiry <= nowMs) this.tokens.delete(known);
    this.tokens.set(token, nowMs + ttl * 1000);
    response.writeHead(200, { 'content-type': 'text/plain', 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl), 'content-length': Buffer.byteLength(token) });
    response.end(token);
  }

  private validToken(token: string): boolean {
    const expiry = this.tokens.get(token);
    return expiry !== undefined && expiry > this.now().getTime();
  }
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
