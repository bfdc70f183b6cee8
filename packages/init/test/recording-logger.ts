import type { Logger } from '@fractal-ecs/common';

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  msg: string;
}

/** A Logger stand-in that keeps every message, so tests assert on what an operator would read. */
export function recordingLogger(): { log: Logger; records: LogRecord[]; messages(level?: LogRecord['level']): string[] } {
  const records: LogRecord[] = [];
  const at =
    (level: LogRecord['level']) =>
    (...args: unknown[]) => {
      const msg = args.find((arg): arg is string => typeof arg === 'string') ?? '';
      records.push({ level, msg });
    };
  const log = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    close: async () => {},
  } as unknown as Logger;
  return {
    log,
    records,
    messages: (level) => records.filter((r) => level === undefined || r.level === level).map((r) => r.msg),
  };
}
