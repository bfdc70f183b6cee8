import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Clock } from '@fractal-ecs/common';
import { ECS_SIGNING_SERVICE } from '../wire';

/** AWS credentials as the SDK's providers resolve them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}
export type CredentialsProvider = () => Promise<AwsCredentials>;

/** SigV4 for the websockets: the handshake GET and each TCS frame. */
export interface RequestSigner {
  /**
   * Signs a GET of `url` (whose body is `body`, empty for a handshake) and returns the headers to send:
   * host, x-amz-date, authorization and, with temporary credentials, x-amz-security-token.
   */
  signGet(url: URL, body?: string): Promise<Record<string, string>>;
}

export interface RequestSignerOptions {
  readonly credentials: CredentialsProvider;
  readonly region: string;
  readonly clock: Clock;
}

/**
 * Signs with the SDK's own SigV4 signer, service `ecs`. No x-amz-content-sha256 header, as upstream's
 * signer adds it for S3 only; the body is still covered through the canonical request's payload hash.
 */
export function createRequestSigner(options: RequestSignerOptions): RequestSigner {
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: ECS_SIGNING_SERVICE,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  return {
    async signGet(url, body) {
      const query: Record<string, string> = {};
      for (const [key, value] of url.searchParams) query[key] = value;
      const request = new HttpRequest({
        method: 'GET',
        protocol: 'https:',
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        headers: { host: url.host },
        ...(body === undefined ? {} : { body }),
      });
      const signed = await signer.sign(request, { signingDate: options.clock.now() });
      return { ...signed.headers };
    },
  };
}
