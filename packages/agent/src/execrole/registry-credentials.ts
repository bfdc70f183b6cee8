import type { Clock, Logger } from '@fractal-ecs/common';
import type { Container, Task } from '../api';
import { DockerError, parseImageRef, type RegistryAuth } from '../dockerclient';
import type { CredentialsProvider } from '../wsclient';
import { executionTarget, type ExecutionCredentialsSource } from './execution-credentials';
import type { AwsCallTarget, ExecutionRoleApis } from './execution-role-apis';
import { failure } from './task-secrets';

/** Upstream keeps up to 100 ECR tokens. */
const ECR_CACHE_SIZE = 100;
/** A token is used until 30-60 min (random) before it expires, as upstream does. */
const ECR_REFRESH_MIN_MS = 30 * 60_000;
const ECR_REFRESH_JITTER_MS = 30 * 60_000;

export interface RegistryCredentialsOptions {
  readonly apis: ExecutionRoleApis;
  readonly credentials: ExecutionCredentialsSource;
  /** The agent's own credentials, for ECR pulls that do not use the execution role. */
  readonly instanceCredentials?: CredentialsProvider;
  /** The instance's region, when registryAuthentication names none. */
  readonly region: string;
  readonly clock: Clock;
  readonly random?: () => number;
  readonly logger: Pick<Logger, 'debug'>;
}

/**
 * Registry credentials for a container's `registryAuthentication`:
 * - `ecr`: ECR GetAuthorizationToken (execution role when useExecutionRole, else the agent's own
 *   credentials) in ecrAuthData.region at its endpointOverride or the configured ECR endpoint. The
 *   token is used for an image whose registry host is the token's proxyEndpoint host (so an image
 *   127.0.0.1:51671/app works with a token whose proxyEndpoint is https://127.0.0.1:51671). Tokens
 *   are cached by role, region, registry and endpoint.
 * - `asm`: a Secrets Manager secret (asmAuthData.credentialsParameter) holding {"username","password"}.
 * Failures name the registry or the parameter, never the credentials.
 */
export class RegistryCredentials {
  readonly #tokens = new Map<string, { auth: EcrToken; useUntil: number }>();

  constructor(private readonly options: RegistryCredentialsOptions) {}

  async forContainer(task: Task, container: Container): Promise<RegistryAuth | undefined> {
    const auth = container.registryAuthentication;
    if (auth?.type === 'ecr') return this.#ecr(task, container);
    if (auth?.type === 'asm') return this.#asm(task, container);
    return undefined;
  }

  async #ecr(task: Task, container: Container): Promise<RegistryAuth> {
    const data = container.registryAuthentication?.ecrAuthData ?? {};
    const region = data.region || this.options.region;
    const endpoint = data.endpointOverride || undefined;
    const registry = data.registryId ?? '';
    let target: AwsCallTarget | undefined;
    let role = 'instance';
    if (data.useExecutionRole) {
      target = executionTarget(this.options.credentials, task, region, endpoint);
      role = this.options.credentials.forTask(task.arn, 'TaskExecution')?.roleArn ?? task.arn;
      if (!target) throw ecrFailure(`container ${container.name}: ECR registry ${registry || '(default)'}: the task has no execution role credentials`);
    } else {
      if (!this.options.instanceCredentials) throw ecrFailure(`container ${container.name}: ECR registry ${registry || '(default)'}: the agent has no credentials of its own`);
      target = { region, credentials: this.options.instanceCredentials, ...(endpoint ? { endpoint } : {}) };
    }
    const cacheKey = `${role}-${region}-${registry}-${endpoint ?? ''}`;
    const now = this.options.clock.now().getTime();
    let cached = this.#tokens.get(cacheKey);
    if (!cached || cached.useUntil <= now) {
      let answer;
      try {
        answer = await this.options.apis.getAuthorizationToken(target, registry || undefined);
      } catch (error) {
        throw ecrFailure(`container ${container.name}: ECR GetAuthorizationToken for registry ${registry || '(default)'} in ${region} failed: ${(error as Error).message}`);
      }
      const decoded = Buffer.from(answer.token, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw ecrFailure(`container ${container.name}: ECR registry ${registry || '(default)'}: the authorization token is not base64 of "user:password"`);
      const refresh = ECR_REFRESH_MIN_MS + (this.options.random ?? Math.random)() * ECR_REFRESH_JITTER_MS;
      cached = { auth: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), proxyEndpoint: answer.proxyEndpoint }, useUntil: answer.expiresAt.getTime() - refresh };
      this.#tokens.delete(cacheKey);
      this.#tokens.set(cacheKey, cached);
      if (this.#tokens.size > ECR_CACHE_SIZE) this.#tokens.delete(this.#tokens.keys().next().value!);
      this.options.logger.debug({ registry, region, proxyEndpoint: answer.proxyEndpoint }, 'ECR authorization token fetched');
    }
    const host = cached.auth.proxyEndpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    if (parseImageRef(container.image).registry !== host) {
      throw ecrFailure(`container ${container.name}: the ECR token is for ${cached.auth.proxyEndpoint}, not for image ${container.image}`);
    }
    return { username: cached.auth.username, password: cached.auth.password, serveraddress: cached.auth.proxyEndpoint };
  }

  async #asm(task: Task, container: Container): Promise<RegistryAuth> {
    const data = container.registryAuthentication?.asmAuthData ?? {};
    const parameter = data.credentialsParameter ?? '';
    const where = `container ${container.name}: registry credentials ${parameter ? JSON.stringify(parameter) : '(no credentialsParameter)'}`;
    if (!parameter) throw failure(`${where}: asmAuthData.credentialsParameter is missing`);
    const region = data.region || /^arn:[^:]+:secretsmanager:([^:]+):/.exec(parameter)?.[1] || this.options.region;
    const target = executionTarget(this.options.credentials, task, region);
    if (!target) throw failure(`${where}: the task has no execution role credentials`);
    let text: string;
    try {
      text = await this.options.apis.getSecretValue(target, parameter, {});
    } catch (error) {
      throw failure(`${where}: Secrets Manager GetSecretValue in ${region} failed: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw failure(`${where}: the secret is not JSON {"username","password"}`);
    }
    const { username, password } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    if (typeof username !== 'string' || typeof password !== 'string' || username === '') {
      throw failure(`${where}: the secret must hold string "username" and "password" fields`);
    }
    return { username, password };
  }
}

interface EcrToken {
  readonly username: string;
  readonly password: string;
  readonly proxyEndpoint: string;
}

function ecrFailure(message: string): DockerError {
  return new DockerError('CannotPullECRContainerError', message);
}
