export { parseGoBool, parseGoDuration, formatGoDuration } from './goparse';
export { createLogger, openRollingFile, parseLogLevel, type Logger, type LoggerOptions, type LogFormat } from './logging';
export { HostPaths } from './paths';
export { execaRunner, type CommandRunner, type CommandResult } from './exec';
export { systemClock, type Clock } from './clock';
export { buildInfo } from './version';
export { ExponentialBackoff, type BackoffOptions } from './backoff';
