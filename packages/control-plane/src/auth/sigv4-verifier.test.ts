import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { SigV4Verifier, type ReceivedRequest } from './sigv4-verifier';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const SIGNED_AT = new Date('2021-03-01T00:00:00Z');

function verifier(now = SIGNED_AT): SigV4Verifier {
  return new SigV4Verifier(CREDENTIALS, 'us-west-2', 'ecs', () => now);
}

function signerFor(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region = 'us-west-2') {
  // applyChecksum false: like the Go agent, no x-amz-content-sha256 header.
  return new SignatureV4({ credentials, region, service: 'ecs', sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
}

const QUERY = { clusterArn: 'default', containerInstanceArn: 'arn:aws:ecs:us-west-2:1:container-instance/default/abc', dockerVersion: 'DockerVersion: 20.10.24' };

async function signedUpgrade(credentials = CREDENTIALS, region = 'us-west-2'): Promise<ReceivedRequest> {
  const signed = await signerFor(credentials, region).sign(
    new HttpRequest({ method: 'GET', protocol: 'wss:', hostname: 'acs.local', path: '/ws', query: QUERY, headers: { host: 'acs.local:8443' } }),
    { signingDate: SIGNED_AT },
  );
  return { method: 'GET', path: '/ws', query: QUERY, headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])), body: '' };
}

describe('SigV4Verifier', () => {
  it('accepts a request signed with the configured key, with or without a session token', async () => {
    expect(await verifier().verify(await signedUpgrade())).toEqual({ ok: true, accessKeyId: 'AKIDEXAMPLE' });
    expect((await verifier().verify(await signedUpgrade({ ...CREDENTIALS, sessionToken: 'tok' } as typeof CREDENTIALS))).ok).toBe(true);
  });

  it('refuses a changed query, a wrong secret, another key, another region and an old date', async () => {
    const tampered = await signedUpgrade();
    tampered.query = { ...tampered.query, containerInstanceArn: 'other' };
    expect(await verifier().verify(tampered)).toMatchObject({ ok: false, type: 'InvalidSignatureException' });
    expect(await verifier().verify(await signedUpgrade({ ...CREDENTIALS, secretAccessKey: 'wrong' }))).toMatchObject({ ok: false, type: 'InvalidSignatureException' });
    expect(await verifier().verify(await signedUpgrade({ ...CREDENTIALS, accessKeyId: 'AKIDOTHER' }))).toMatchObject({ ok: false, type: 'UnrecognizedClientException' });
    expect(await verifier().verify(await signedUpgrade(CREDENTIALS, 'eu-west-1'))).toMatchObject({
      ok: false,
      message: "Credential should be scoped to a valid region, not 'eu-west-1'.",
    });
    expect(await verifier(new Date('2021-03-01T00:06:00Z')).verify(await signedUpgrade())).toMatchObject({ ok: false, type: 'InvalidSignatureException', message: expect.stringContaining('Signature expired') });
  });

  it('refuses a missing or malformed Authorization header, naming what is wrong', async () => {
    const request = await signedUpgrade();
    expect(await verifier().verify({ ...request, headers: { host: 'acs.local:8443' } })).toMatchObject({ ok: false, type: 'MissingAuthenticationTokenException' });
    expect(await verifier().verify({ ...request, headers: { ...request.headers, authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20210301/us-west-2/ecs/aws4_request' } })).toEqual({
      ok: false,
      type: 'IncompleteSignatureException',
      message: "Authorization header requires 'SignedHeaders' parameter.",
    });
  });

  it('checks the body of a signed TCS-style request', async () => {
    const body = '{"type":"PublishMetricsRequest","message":{}}';
    const signed = await signerFor(CREDENTIALS).sign(
      new HttpRequest({ method: 'GET', protocol: 'wss:', hostname: 'tcs.local', path: '/tcs/ws', query: {}, headers: { host: 'tcs.local' }, body }),
      { signingDate: SIGNED_AT },
    );
    const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect((await verifier().verify({ method: 'GET', path: '/tcs/ws', query: {}, headers, body })).ok).toBe(true);
    expect((await verifier().verify({ method: 'GET', path: '/tcs/ws', query: {}, headers, body: body.replace('{}', '{"x":1}') })).ok).toBe(false);
  });

  it('accepts a presigned URL and refuses it once expired', async () => {
    const presigned = await signerFor(CREDENTIALS).presign(
      new HttpRequest({ method: 'GET', protocol: 'wss:', hostname: 'acs.local', path: '/ws', query: QUERY, headers: { host: 'acs.local' } }),
      { signingDate: SIGNED_AT, expiresIn: 60 },
    );
    const request: ReceivedRequest = { method: 'GET', path: '/ws', query: presigned.query as Record<string, string>, headers: { host: 'acs.local' }, body: '' };
    expect((await verifier().verify(request)).ok).toBe(true);
    expect(await verifier(new Date('2021-03-01T00:02:00Z')).verify(request)).toMatchObject({ ok: false, type: 'InvalidSignatureException' });
  });
});
