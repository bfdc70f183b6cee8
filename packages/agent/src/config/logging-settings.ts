import type { LoggingSettings, LogLevel } from './agent-config';
import { DEFAULTS } from './defaults';
import { shown, type Diagnostics } from './diagnostics';
import type { Env } from './environment';
import type { AgentFlags } from './flags';
import { parseGoFloat, parseGoInt } from './go-values';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'crit', 'none'];

type LevelFlags = Partial<Pick<AgentFlags, 'logLevel' | 'logLevelDriver' | 'logLevelOnInstance'>>;

/**
 * Upstream's logger settings (agent/logger/log.go), read from the environment and the level flags.
 * On levels the seeds' README is followed: ECS_LOGLEVEL, when present, overrides `-loglevel` (upstream's
 * code lets the flag win); ECS_LOGLEVEL_ON_INSTANCE likewise overrides the flags for the file.
 */
export function readLoggingSettings(env: Env, flags: LevelFlags, diag: Diagnostics): LoggingSettings {
  const level = (source: string, value: string | undefined): LogLevel | undefined => {
    if (value === undefined || value === '') return undefined;
    const normalized = value.toLowerCase() as LogLevel;
    if (LOG_LEVELS.includes(normalized)) return normalized;
    diag.warn(`${shown(source, value)} is not a log level (${LOG_LEVELS.join(', ')}); ignored`);
    return undefined;
  };
  const envLevel = level('ECS_LOGLEVEL', env.ECS_LOGLEVEL);
  const envInstanceLevel = level('ECS_LOGLEVEL_ON_INSTANCE', env.ECS_LOGLEVEL_ON_INSTANCE);
  // `-loglevel` replaces both specific flags, as upstream.
  const bothFlag = flags.logLevel ? level('-loglevel', flags.logLevel) : undefined;
  const driverFlag = flags.logLevel ? bothFlag : level('-loglevel-driver', flags.logLevelDriver);
  const instanceFlag = flags.logLevel ? bothFlag : level('-loglevel-on-instance', flags.logLevelOnInstance);
  // With the agent's console going to a Docker log driver, the on-instance file is off unless asked for.
  const instanceDefault = env.ECS_LOG_DRIVER ? 'none' : (envLevel ?? DEFAULTS.logLevel);

  return {
    level: envLevel ?? driverFlag ?? DEFAULTS.logLevel,
    levelOnInstance: envInstanceLevel ?? instanceFlag ?? instanceDefault,
    file: env.ECS_LOGFILE || undefined,
    format: readChoice(env, 'ECS_LOG_OUTPUT_FORMAT', ['logfmt', 'json'], diag),
    rollover: readRollover(env, diag),
    maxFileSizeMB: readPositive(env, 'ECS_LOG_MAX_FILE_SIZE_MB', parseGoFloat, DEFAULTS.logMaxFileSizeMB, diag),
    maxRollCount: readPositive(env, 'ECS_LOG_MAX_ROLL_COUNT', parseGoInt, DEFAULTS.logMaxRollCount, diag),
  };
}

function readChoice<T extends string>(env: Env, name: string, choices: readonly [T, ...T[]], diag: Diagnostics): T {
  const value = env[name];
  if (!value) return choices[0];
  if (choices.includes(value as T)) return value as T;
  diag.warn(`${shown(name, value)} is not one of ${choices.join(', ')}; using ${choices[0]}`);
  return choices[0];
}

/** `size`, else rotation by the hour (upstream's `date` with pattern 2006-01-02-15). */
function readRollover(env: Env, diag: Diagnostics): LoggingSettings['rollover'] {
  const value = env.ECS_LOG_ROLLOVER_TYPE;
  if (value === 'size') return 'size';
  if (value && value !== 'hourly' && value !== 'date') {
    diag.warn(`${shown('ECS_LOG_ROLLOVER_TYPE', value)} is not one of hourly, size; using hourly`);
  }
  return 'hourly';
}

function readPositive(
  env: Env,
  name: string,
  parse: (text: string) => number | undefined,
  fallback: number,
  diag: Diagnostics,
): number {
  const value = env[name];
  if (!value) return fallback;
  const parsed = parse(value);
  if (parsed !== undefined && parsed > 0) return parsed;
  diag.warn(`${shown(name, value)} is not a positive number; using ${fallback}`);
  return fallback;
}
