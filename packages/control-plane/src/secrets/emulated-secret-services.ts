// ECR, SSM Parameter Store and Secrets Manager, as far as a task's execution role uses them:
//   POST /  X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken  (SigV4 service "ecr")
//   POST /  X-Amz-Target: AmazonSSM.GetParameters                                      (service "ssm")
//   POST /  X-Amz-Target: secretsmanager.GetSecretValue                                (service "secretsmanager")
// answered from values set here (options, CLI, test API), signed with the role credentials the
// control plane hands to tasks. Values are never logged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { queryRecord, SigV4Verifier, type Credentials } from '../auth/sigv4-verifier';
import { flattenHeaders, safeDecode } from '../api/router';
import { readRequestBody } from '../request-body';

const SERVICES = {
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
  AmazonSSM: 'ssm',
  secretsmanager: 'secretsmanager',
} as const;
type TargetPrefix = keyof typeof SERVICES;

const MAX_BODY_BYTES = 1024 * 1024;
/** ECR tokens are good for 12 hours. */
const ECR_TOKEN_TTL_MS = 12 * 3600_000;

/** What the emulated ECR answers for a registry: the registry's own login. */
export interface EcrRegistryLogin {
  readonly username: string;
  readonly password: string;
  /** e.g. https://127.0.0.1:51671 */
  readonly proxyEndpoint: string;
}

export interface SecretValues {
  /** SSM parameters by name ("/db/user" or "db-user"). */
  readonly parameters?: Record<string, string>;
  /** Secrets Manager secrets by name. */
  readonly secrets?: Record<string, string>;
  /** ECR logins by registry ID (the account); "default" answers a request naming none. */
  readonly ecr?: Record<string, EcrRegistryLogin>;
}

interface ServiceError {
  readonly type: string;
  readonly message: string;
  readonly status: number;
}

export class EmulatedSecretServices {
  readonly #parameters = new Map<string, string>();
  readonly #secrets = new Map<string, string>();
  readonly #ecr = new Map<string, EcrRegistryLogin>();

  constructor(
    values: SecretValues,
    private readonly scope: { region: string; accountId: string },
    /** The role credentials tasks get; undefined refuses every call (no task has a role). */
    private readonly roleCredentials: (Credentials & { sessionToken?: string }) | undefined,
    private readonly now: () => Date,
  ) {
    for (const [name, value] of Object.entries(values.parameters ?? {})) this.setParameter(name, value);
    for (const [name, value] of Object.entries(values.secrets ?? {})) this.setSecret(name, value);
    for (const [registryId, login] of Object.entries(values.ecr ?? {})) this.setEcrLogin(registryId, login);
  }

  setParameter(name: string, value: string): void {
    this.#parameters.set(name, value);
  }

  setSecret(name: string, value: string): void {
    this.#secrets.set(name, value);
  }

  setEcrLogin(registryId: string, login: EcrRegistryLogin): void {
    this.#ecr.set(registryId, login);
  }

  /** Whether the request is for one of these services. */
  handles(request: IncomingMessage): boolean {
    return prefixOf(String(request.headers['x-amz-target'] ?? '')) !== undefined;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers['x-amz-target'] ?? '');
    const prefix = prefixOf(target)!;
    const operation = target.slice(prefix.length + 1);
    try {
      const text = await readRequestBody(request, MAX_BODY_BYTES, () => serviceError('SerializationException', 'the body is too large', 413));
      await this.#authenticate(request, text, SERVICES[prefix]);
      const body = parse(text);
      const result = this.#run(prefix, operation, body);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(result));
    } catch (error) {
      const failure = (error as Partial<ServiceError>).type ? (error as ServiceError) : { type: 'InternalFailure', message: 'internal error', status: 500 };
      response.writeHead(failure.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': failure.type });
      response.end(JSON.stringify({ __type: failure.type, message: failure.message }));
    }
  }

  async #authenticate(request: IncomingMessage, body: string, service: string): Promise<void> {
    if (!this.roleCredentials) throw serviceError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
    const headers = flattenHeaders(request.headers);
    const url = new URL(request.url ?? '/', 'http://local');
    // The key pair alone: the session token is checked below, not re-added to the signed request.
    const { accessKeyId, secretAccessKey } = this.roleCredentials;
    const verifier = new SigV4Verifier({ accessKeyId, secretAccessKey }, this.scope.region, service, this.now);
    const auth = await verifier.verify({ method: request.method ?? 'POST', path: safeDecode(url.pathname), query: queryRecord(url.searchParams), headers, body });
    if (!auth.ok) throw serviceError(auth.type, auth.message, auth.type === 'MissingAuthenticationTokenException' ? 403 : 400);
    const token = this.roleCredentials.sessionToken;
    if (token && headers['x-amz-security-token'] !== token) throw serviceError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
  }

  #run(prefix: TargetPrefix, operation: string, body: Record<string, unknown>): unknown {
    if (prefix === 'AmazonEC2ContainerRegistry_V20150921' && operation === 'GetAuthorizationToken') return this.#getAuthorizationToken(body);
    if (prefix === 'AmazonSSM' && operation === 'GetParameters') return this.#getParameters(body);
    if (prefix === 'secretsmanager' && operation === 'GetSecretValue') return this.#getSecretValue(body);
    throw serviceError('UnknownOperationException', `Unknown operation ${prefix}.${operation}`, 400);
  }

  #getAuthorizationToken(body: Record<string, unknown>): unknown {
    const ids = body.registryIds === undefined ? ['default'] : strings(body.registryIds, 'registryIds');
    const expiresAt = (this.now().getTime() + ECR_TOKEN_TTL_MS) / 1000;
    return {
      authorizationData: ids.map((id) => {
        const login = this.#ecr.get(id);
        if (!login) throw serviceError('InvalidParameterException', `no registry with ID ${JSON.stringify(id)}`, 400);
        return { authorizationToken: Buffer.from(`${login.username}:${login.password}`).toString('base64'), expiresAt, proxyEndpoint: login.proxyEndpoint };
      }),
    };
  }

  #getParameters(body: Record<string, unknown>): unknown {
    const names = strings(body.Names, 'Names');
    if (names.length === 0 || names.length > 10) throw serviceError('ValidationException', `Names: expected 1-10 names, got ${names.length}`, 400);
    const parameters: unknown[] = [];
    const invalid: string[] = [];
    for (const asked of names) {
      const name = parameterName(asked);
      const value = this.#parameters.get(name);
      if (value === undefined) {
        invalid.push(asked);
        continue;
      }
      const arn = `arn:aws:ssm:${this.scope.region}:${this.scope.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
      // Without decryption a SecureString's value stays encrypted: an opaque stand-in here.
      const shown = body.WithDecryption === true ? value : Buffer.from(value).toString('base64');
      parameters.push({ Name: asked.startsWith('arn:') ? asked : name, Type: 'SecureString', Value: shown, Version: 1, ARN: arn, DataType: 'text' });
    }
    return { Parameters: parameters, InvalidParameters: invalid };
  }

  #getSecretValue(body: Record<string, unknown>): unknown {
    const secretId = typeof body.SecretId === 'string' ? body.SecretId : '';
    if (!secretId) throw serviceError('InvalidParameterException', 'SecretId: missing', 400);
    const name = secretName(secretId);
    const stored = name === undefined ? undefined : this.#secrets.has(name) ? name : name.replace(/-[A-Za-z0-9]{6}$/, '');
    const value = stored === undefined ? undefined : this.#secrets.get(stored);
    if (value === undefined) throw serviceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400);
    const stage = typeof body.VersionStage === 'string' ? body.VersionStage : 'AWSCURRENT';
    if (stage !== 'AWSCURRENT' || (typeof body.VersionId === 'string' && body.VersionId !== 'v1')) {
      throw serviceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label or version ID.", 400);
    }
    return {
      ARN: `arn:aws:secretsmanager:${this.scope.region}:${this.scope.accountId}:secret:${stored}`,
      Name: stored,
      SecretString: value,
      VersionId: 'v1',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 0,
    };
  }
}

function prefixOf(target: string): TargetPrefix | undefined {
  return (Object.keys(SERVICES) as TargetPrefix[]).find((prefix) => target.startsWith(`${prefix}.`));
}

/** arn:aws:ssm:<region>:<account>:parameter/<name>: "/a/b" for a hierarchical name, "name" otherwise. */
function parameterName(asked: string): string {
  const arn = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter(\/.+)$/.exec(asked);
  if (!arn) return asked;
  const path = arn[1]!;
  return path.indexOf('/', 1) > 0 ? path : path.slice(1);
}

/** A name, or arn:...:secret:<name> (AWS adds "-" and 6 characters to the name in the ARN; both forms match). */
function secretName(secretId: string): string | undefined {
  if (!secretId.startsWith('arn:')) return secretId;
  const match = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:([^:]+)$/.exec(secretId);
  return match?.[1];
}

function strings(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) throw serviceError('ValidationException', `${field}: expected a list of strings`, 400);
  return value as string[];
}

function parse(text: string): Record<string, unknown> {
  try {
    const body: unknown = text.trim() === '' ? {} : JSON.parse(text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw serviceError('SerializationException', 'the body is not a JSON object', 400);
}

function serviceError(type: string, message: string, status: number): ServiceError {
  return { type, message, status };
}
