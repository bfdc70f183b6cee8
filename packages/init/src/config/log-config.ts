import type { Logger } from '@fractal-ecs/common';
import type { AgentLogConfig } from './settings';

/** The log drivers upstream lets the agent container use. */
export const SUPPORTED_LOG_DRIVERS = ['awslogs', 'fluentd', 'gelf', 'json-file', 'journald', 'logentries', 'syslog', 'splunk'];

type Env = Record<string, string | undefined>;

/**
 * Docker log configuration of the agent container from ECS_LOG_DRIVER / ECS_LOG_OPTS, with the
 * json-file rotation defaults (ECS_INIT_DOCKER_LOG_FILE_SIZE / _NUM) when no options are given.
 */
export function agentLogConfig(env: Env, log: Pick<Logger, 'warn'>): AgentLogConfig {
  let options = parseLogOptions(env.ECS_LOG_OPTS, log);
  let driver = 'json-file';
  const requested = env.ECS_LOG_DRIVER ?? '';
  if (requested !== '') {
    if (SUPPORTED_LOG_DRIVERS.includes(requested)) {
      driver = requested;
    } else {
      log.warn(
        `Input value for "ECS_LOG_DRIVER" is not a supported log driver, overriding to json-file and using default log options: ECS_LOG_DRIVER=${requested}`,
      );
      options = undefined;
    }
  }
  if (driver === 'json-file' && options === undefined) {
    options = {
      'max-size': env.ECS_INIT_DOCKER_LOG_FILE_SIZE || '16m',
      'max-file': env.ECS_INIT_DOCKER_LOG_FILE_NUM || '4',
    };
  }
  return { Type: driver, Config: options ?? {} };
}

// The value is not logged: driver options can carry tokens (splunk-token).
function parseLogOptions(value: string | undefined, log: Pick<Logger, 'warn'>): Record<string, string> | undefined {
  if (value === undefined || value === '') return undefined;
  const invalid = (reason: string) => {
    log.warn(`Invalid format for "ECS_LOG_OPTS", expected a json object with string key value. error: ${reason}`);
    return undefined;
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return invalid('not valid JSON');
  }
  if (parsed === null) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return invalid('not a JSON object');
  const options: Record<string, string> = {};
  for (const [key, option] of Object.entries(parsed)) {
    if (typeof option !== 'string') return invalid(`option ${JSON.stringify(key)} is not a string`);
    options[key] = option;
  }
  return options;
}
