import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

export type LogFormat = 'logfmt' | 'json';

export interface LoggerOptions {
  /** ECS level name: debug, info, warn, error, crit, none. */
  level: string;
  /** Level of the log file when it differs from stdout's (upstream's ECS_LOGLEVEL_ON_INSTANCE); default `level`. */
  fileLevel?: string;
  format?: LogFormat;
  /** Rolling log file; omitted: stdout only. */
  file?: string;
  /** hourly (upstream default) or size, rolling at maxFileSizeMB. */
  rollover?: 'hourly' | 'size';
  maxFileSizeMB?: number;
  maxRollCount?: number;
  stdout?: boolean;
  /** Fields never written, whatever a caller passes (secrets). */
  redact?: string[];
}

export interface Logger extends PinoLogger {
  /** Flushes and closes the log file; call before exiting. */
  close(): Promise<void>;
}

const LEVELS: Record<string, string> = {
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  crit: 'fatal',
  none: 'silent',
};

/** Maps an ECS_LOGLEVEL value to a pino level; undefined when upstream has no such mapping. */
export function parseLogLevel(value: string): string | undefined {
  return LEVELS[value.toLowerCase()];
}

/** Severity of each level name as written in a record (fatal is written `critical`). */
const SEVERITY: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, critical: 60, silent: Infinity };

export function createLogger(options: LoggerOptions): Logger {
  const format = options.format ?? 'logfmt';
  const stdoutLevel = parseLogLevel(options.level) ?? 'info';
  const fileLevel = options.fileLevel === undefined ? stdoutLevel : (parseLogLevel(options.fileLevel) ?? stdoutLevel);
  const sinks: { minimum: number; write(line: string): void }[] = [];
  let file: RotatingFileStream | undefined;
  if (options.stdout ?? true) sinks.push({ minimum: SEVERITY[stdoutLevel]!, write: (line) => process.stdout.write(line) });
  if (options.file && fileLevel !== 'silent') {
    file = openRollingFile(options);
    const stream = file;
    sinks.push({ minimum: SEVERITY[fileLevel]!, write: (line) => stream.write(line) });
  }
  const destination: DestinationStream = {
    write(json: string) {
      const severity = SEVERITY[/"level":"(\w+)"/.exec(json)?.[1] ?? 'info'] ?? 30;
      const line = format === 'logfmt' ? toLogfmt(json) : json;
      for (const sink of sinks) if (severity >= sink.minimum) sink.write(line);
    },
  };
  // pino drops what no sink wants; each sink then keeps only its own levels.
  const base = pino(
    {
      level: SEVERITY[stdoutLevel]! <= SEVERITY[fileLevel]! ? stdoutLevel : fileLevel,
      base: undefined,
      messageKey: 'msg',
      // Upstream prints UTC with second precision: 2018-10-01T01:02:03Z.
      timestamp: () => `,"time":"${new Date().toISOString().slice(0, 19)}Z"`,
      formatters: { level: (label) => ({ level: label === 'fatal' ? 'critical' : label }) },
      redact: options.redact ? { paths: options.redact, censor: '[redacted]' } : undefined,
    },
    destination,
  );
  return Object.assign(base, {
    close: () =>
      new Promise<void>((resolve) => {
        if (!file) return resolve();
        file.end(() => resolve());
      }),
  }) as Logger;
}

/** The rolling file behind a logger, also used alone for files written line by line (the agent's credentials audit log). */
export function openRollingFile(options: Pick<LoggerOptions, 'file' | 'rollover' | 'maxFileSizeMB' | 'maxRollCount'>): RotatingFileStream {
  const file = options.file!;
  const dir = path.dirname(file);
  const name = path.basename(file);
  mkdirSync(dir, { recursive: true });
  const hourly = (options.rollover ?? 'hourly') === 'hourly';
  const generator = (time: number | Date | null, index?: number): string =>
    time ? rolledLogFileName(name, typeof time === 'number' ? new Date(time) : time, hourly ? 'hourly' : 'size', index) : name;
  return createStream(generator, {
    path: dir,
    maxFiles: options.maxRollCount ?? 24,
    // rotating-file-stream tracks rolled files in a history file; keep it hidden beside the log.
    history: `.${name}.history`,
    ...(hourly ? { interval: '1h' } : { size: `${options.maxFileSizeMB ?? 10}M` }),
  });
}

/**
 * The name a rolled log file gets; the live file keeps its own name. Hourly files are named after the
 * local hour they cover, as seelog names them (ecs-init.log.2018-10-01-01); size-rolled ones add a count.
 */
export function rolledLogFileName(name: string, at: Date, rollover: 'hourly' | 'size', index = 1): string {
  const hour = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}-${pad(at.getHours())}`;
  return rollover === 'hourly' ? `${name}.${hour}` : `${name}.${hour}.${index}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Renders one pino JSON line as upstream's logfmt: level=info time=... msg="..." key=value. */
export function toLogfmt(json: string): string {
  const record = JSON.parse(json) as Record<string, unknown>;
  const { level, time, msg, ...fields } = record;
  let line = `level=${String(level)} time=${String(time)} msg=${goQuote(String(msg ?? ''))}`;
  for (const [key, value] of Object.entries(fields)) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    line += ` ${key}=${/^[^\s"=\\]+$/.test(text) ? text : goQuote(text)}`;
  }
  return `${line}\n`;
}

/** Go's strconv.Quote, which upstream's formatter applies to the message. */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    switch (char) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\x07':
        out += '\\a';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\v':
        out += '\\v';
        break;
      default:
        if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
        else if (code >= 0x80 && code < 0xa0) out += `\\u${code.toString(16).padStart(4, '0')}`;
        else out += char;
    }
  }
  return `${out}"`;
}
