import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { EmulatedSecretServices } from './emulated-secret-services';

const ROLE = { accessKeyId: 'AKIDROLE', secretAccessKey: 'role-secret', sessionToken: 'role-token' };
const NOW = new Date('2026-03-01T12:00:00Z');
let server: Server;
let port: number;

beforeAll(async () => {
  const services = new EmulatedSecretServices(
    {
      parameters: { '/db/user': 'alice', plain: 'p' },
      secrets: { login: '{"username":"u","password":"pw"}' },
      ecr: { '111122223333': { username: 'AWS', password: 'tok', proxyEndpoint: 'https://127.0.0.1:51671' } },
    },
    { region: 'us-east-1', accountId: '000000000000' },
    ROLE,
    () => NOW,
  );
  server = createServer((request, response) => void services.handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function call(service: string, target: string, body: unknown, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = ROLE) {
  const text = JSON.stringify(body);
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path: '/',
    headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: text,
  });
  const signed = await new SignatureV4({ credentials, region: 'us-east-1', service, sha256: Hash.bind(null, 'sha256') }).sign(request, { signingDate: NOW });
  const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: signed.headers, body: text });
  const parsed = (await response.json()) as Record<string, unknown>;
  return { status: response.status, body: parsed };
}

describe('EmulatedSecretServices', () => {
  it('answers GetParameters by name or ARN, decrypted, listing unknown names as invalid', async () => {
    const answer = await call('ssm', 'AmazonSSM.GetParameters', { Names: ['arn:aws:ssm:us-east-1:000000000000:parameter/db/user', 'plain', 'nope'], WithDecryption: true });
    expect(answer.status).toBe(200);
    expect(answer.body.Parameters).toEqual([
      expect.objectContaining({ Name: 'arn:aws:ssm:us-east-1:000000000000:parameter/db/user', Value: 'alice', ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/db/user' }),
      expect.objectContaining({ Name: 'plain', Value: 'p', ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/plain' }),
    ]);
    expect(answer.body.InvalidParameters).toEqual(['nope']);
  });

  it('answers GetSecretValue by name or by an ARN with the random suffix, and refuses other version stages', async () => {
    const byArn = await call('secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:login-AbCdEf' });
    expect(byArn.body).toMatchObject({ Name: 'login', SecretString: '{"username":"u","password":"pw"}', VersionStages: ['AWSCURRENT'] });
    expect((await call('secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: 'login', VersionStage: 'AWSPREVIOUS' })).body.__type).toBe('ResourceNotFoundException');
    expect((await call('secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: 'other' })).body).toEqual({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
  });

  it('answers GetAuthorizationToken with base64 user:password for the registry ID, valid 12 hours', async () => {
    const answer = await call('ecr', 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken', { registryIds: ['111122223333'] });
    expect(answer.body.authorizationData).toEqual([{ authorizationToken: Buffer.from('AWS:tok').toString('base64'), proxyEndpoint: 'https://127.0.0.1:51671', expiresAt: NOW.getTime() / 1000 + 12 * 3600 }]);
    expect((await call('ecr', 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken', { registryIds: ['999'] })).body.__type).toBe('InvalidParameterException');
  });

  it('refuses requests not signed with the role credentials, for the right service, with its session token', async () => {
    const other = await call('ssm', 'AmazonSSM.GetParameters', { Names: ['plain'] }, { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x', sessionToken: 'role-token' });
    expect(other).toMatchObject({ status: 400, body: { __type: 'UnrecognizedClientException' } });
    const wrongService = await call('ecr', 'AmazonSSM.GetParameters', { Names: ['plain'] });
    expect(wrongService).toMatchObject({ status: 400, body: { __type: 'InvalidSignatureException' } });
    const noToken = await call('ssm', 'AmazonSSM.GetParameters', { Names: ['plain'] }, { accessKeyId: ROLE.accessKeyId, secretAccessKey: ROLE.secretAccessKey });
    expect(noToken.body.__type).toBe('UnrecognizedClientException');
  });
});
