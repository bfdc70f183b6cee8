import { createLogger, type Logger } from '@fractal-ecs/common';
import type { LoggingSettings } from '../config';

/** Field names whose values never reach a log line, wherever they sit (one level deep). */
const SECRET_FIELDS = ['secretAccessKey', 'sessionToken', 'authData', 'authorization'];

/** Upstream's two outputs: the console at ECS_LOGLEVEL, the ECS_LOGFILE file at ECS_LOGLEVEL_ON_INSTANCE. */
export function createAgentLogger(settings: LoggingSettings): Logger {
  return createLogger({
    level: settings.level,
    fileLevel: settings.levelOnInstance,
    format: settings.format,
    ...(settings.file ? { file: settings.file } : {}),
    rollover: settings.rollover,
    maxFileSizeMB: settings.maxFileSizeMB,
    maxRollCount: settings.maxRollCount,
    redact: [...SECRET_FIELDS, ...SECRET_FIELDS.map((field) => `*.${field}`)],
  });
}
