import { parseGoBool } from '@fractal-ecs/common';
import type { Env } from '../config/environment';

/** The services the execution role is used with, by their AWS_ENDPOINT_URL_<ID> suffix. */
export type ExecutionService = 'ECR' | 'SSM' | 'SECRETS_MANAGER';

/**
 * The endpoint the SDK's configured-endpoint rules give `service`: AWS_ENDPOINT_URL_<SERVICE>, else
 * AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS. Read from the agent's own environment
 * (the SDK reads only process.env) so an in-process agent honours it too.
 */
export function serviceEndpoint(env: Env, service: ExecutionService): string | undefined {
  if (parseGoBool(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '') === true) return undefined;
  return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
}
