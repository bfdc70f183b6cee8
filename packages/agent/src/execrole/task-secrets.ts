import type { Logger } from '@fractal-ecs/common';
import type { Container, Task } from '../api';
import { DockerError, type ContainerCreateOptions } from '../dockerclient';
import type { ExecutionRoleApis } from './execution-role-apis';
import { executionTarget, type ExecutionCredentialsSource } from './execution-credentials';
import { parseContainerSecret, type ContainerSecret } from './secret-reference';

/** What a container's secrets resolved to. Held in memory only: never checkpointed, never logged. */
interface ResolvedSecrets {
  readonly env: ReadonlyMap<string, string>;
  readonly logOptions: ReadonlyMap<string, string>;
}

export interface TaskSecretsOptions {
  readonly apis: ExecutionRoleApis;
  readonly credentials: ExecutionCredentialsSource;
  /** The instance's region: secrets that name none are looked up here. */
  readonly region: string;
  readonly logger: Pick<Logger, 'info'>;
}

/**
 * A container's `secrets` (SSM parameters and Secrets Manager secrets, with the task's execution role)
 * fetched before it is created and added to its create options: CONTAINER ones as environment
 * variables, LOG_DRIVER ones as log options. Values stay in this process's memory, per container, and
 * are fetched again after a restart; a failure names the secret and where it comes from, never a value.
 */
export class TaskSecrets {
  readonly #resolved = new Map<string, ResolvedSecrets>();

  constructor(private readonly options: TaskSecretsOptions) {}

  /** Fetches the container's secrets; rejects with a ResourceInitializationError naming the one that failed. */
  async resolve(task: Task, container: Container): Promise<void> {
    if (container.secrets.length === 0) return;
    const secrets: ContainerSecret[] = [];
    for (const raw of container.secrets) {
      const parsed = parseContainerSecret(raw);
      if (typeof parsed === 'string') throw failure(`container ${container.name}: secrets: ${parsed}`);
      secrets.push(parsed);
    }
    const values = new Map<ContainerSecret, string>();
    const bySsmRegion = new Map<string, ContainerSecret[]>();
    for (const secret of secrets) {
      const region = secret.reference.region ?? this.options.region;
      if (secret.reference.provider === 'ssm') {
        bySsmRegion.set(region, [...(bySsmRegion.get(region) ?? []), secret]);
        continue;
      }
      values.set(secret, await this.#secretsManagerValue(task, secret, region));
    }
    for (const [region, group] of bySsmRegion) {
      const target = this.#target(task, region, group[0]!);
      let answer;
      try {
        answer = await this.options.apis.getParameters(target, [...new Set(group.map((s) => ssmName(s)))]);
      } catch (error) {
        throw failure(`secret ${describe(group[0]!)}: SSM GetParameters in ${region} failed: ${(error as Error).message}`);
      }
      for (const secret of group) {
        const value = answer.values.get(ssmName(secret));
        if (value === undefined) throw failure(`secret ${describe(secret)}: SSM has no parameter ${JSON.stringify(ssmName(secret))} in ${region}`);
        values.set(secret, value);
      }
    }
    const env = new Map<string, string>();
    const logOptions = new Map<string, string>();
    // In the task definition's order.
    for (const secret of secrets) (secret.target === 'CONTAINER' ? env : logOptions).set(secret.name, values.get(secret)!);
    this.#resolved.set(key(task, container), { env, logOptions });
    this.options.logger.info({ taskArn: task.arn, container: container.name, secrets: secrets.map((s) => s.name) }, 'Secrets fetched');
  }

  /** The create options with the container's fetched secrets added (a secret wins over a plain variable of its name). */
  apply(task: Task, container: Container, options: ContainerCreateOptions): ContainerCreateOptions {
    if (container.secrets.length === 0) return options;
    const resolved = this.#resolved.get(key(task, container));
    if (!resolved) throw failure(`container ${container.name}: its secrets were not fetched before create`);
    const env = (options.Env ?? []).filter((entry) => !resolved.env.has(envName(entry)));
    for (const [name, value] of resolved.env) env.push(`${name}=${value}`);
    const result: ContainerCreateOptions = { ...options, Env: env };
    if (resolved.logOptions.size > 0) {
      const hostConfig = options.HostConfig ?? {};
      const logConfig = hostConfig.LogConfig ?? { Type: 'json-file', Config: {} };
      result.HostConfig = { ...hostConfig, LogConfig: { ...logConfig, Config: { ...logConfig.Config, ...Object.fromEntries(resolved.logOptions) } } };
    }
    return result;
  }

  /** The task is gone: its values are dropped. */
  forget(task: Task): void {
    for (const name of [...this.#resolved.keys()]) if (name.startsWith(`${task.arn}\n`)) this.#resolved.delete(name);
  }

  async #secretsManagerValue(task: Task, secret: ContainerSecret, region: string): Promise<string> {
    const reference = secret.reference;
    if (reference.provider !== 'asm') throw new Error('unreachable');
    let text: string;
    try {
      text = await this.options.apis.getSecretValue(this.#target(task, region, secret), reference.secretId, {
        ...(reference.versionStage ? { stage: reference.versionStage } : {}),
        ...(reference.versionId ? { id: reference.versionId } : {}),
      });
    } catch (error) {
      throw failure(`secret ${describe(secret)}: Secrets Manager GetSecretValue in ${region} failed: ${(error as Error).message}`);
    }
    if (!reference.jsonKey) return text;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw failure(`secret ${describe(secret)}: the secret is not a JSON object, so it has no key ${JSON.stringify(reference.jsonKey)}`);
    }
    const value = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>)[reference.jsonKey] : undefined;
    if (value === undefined) throw failure(`secret ${describe(secret)}: the secret has no JSON key ${JSON.stringify(reference.jsonKey)}`);
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  #target(task: Task, region: string, secret: ContainerSecret) {
    const target = executionTarget(this.options.credentials, task, region);
    if (!target) throw failure(`secret ${describe(secret)}: the task has no execution role credentials`);
    return target;
  }
}

function envName(entry: string): string {
  const equals = entry.indexOf('=');
  return equals < 0 ? entry : entry.slice(0, equals);
}

function ssmName(secret: ContainerSecret): string {
  return secret.reference.provider === 'ssm' ? secret.reference.parameter : '';
}

function describe(secret: ContainerSecret): string {
  return `${JSON.stringify(secret.name)} (valueFrom ${secret.valueFrom})`;
}

function key(task: Task, container: Container): string {
  return `${task.arn}\n${container.name}`;
}

/** Upstream's reason for a task whose secrets or registry credentials could not be fetched. */
export function failure(message: string): DockerError {
  return new DockerError('ResourceInitializationError', `unable to pull secrets or registry auth: ${message}`);
}
