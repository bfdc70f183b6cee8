import type { Logger } from '@fractal-ecs/common';

export interface LogRecord {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  msg: string;
  fields: Record<string, unknown>;
}

/** A Logger stand-in keeping every record (message and fields), so tests assert what an operator reads. */
export function recordingLogger(bindings: Record<string, unknown> = {}, records: LogRecord[] = []): Logger & { records: LogRecord[]; text(): string } {
  const at =
    (level: LogRecord['level']) =>
    (...args: unknown[]) => {
      const fields = args.find((arg): arg is Record<string, unknown> => typeof arg === 'object' && arg !== null) ?? {};
      const msg = args.find((arg): arg is string => typeof arg === 'string') ?? '';
      records.push({ level, msg, fields: { ...bindings, ...fields } });
    };
  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    child: (more: Record<string, unknown>) => recordingLogger({ ...bindings, ...more }, records),
    close: async () => {},
    records,
    /** Everything logged, as one string (for "never logged" assertions). */
    text: () => records.map((r) => `${r.level} ${r.msg} ${JSON.stringify(r.fields)}`).join('\n'),
  } as unknown as Logger & { records: LogRecord[]; text(): string };
}
