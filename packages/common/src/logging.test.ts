import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, goQuote, parseLogLevel, rolledLogFileName, toLogfmt } from './logging';

describe('goQuote', () => {
  it('escapes like strconv.Quote', () => {
    expect(goQuote('This is my log message')).toBe('"This is my log message"');
    expect(goQuote('a "b" \\ c\n\t\x1b\x00')).toBe('"a \\"b\\" \\\\ c\\n\\t\\x1b\\x00"');
  });
});

describe('toLogfmt', () => {
  it('renders level, time and the quoted message first, then fields', () => {
    const line = toLogfmt('{"level":"info","time":"2018-10-01T01:02:03Z","msg":"This is my log message","n":3,"who":"a b"}');
    expect(line).toBe('level=info time=2018-10-01T01:02:03Z msg="This is my log message" n=3 who="a b"\n');
  });
});

describe('parseLogLevel', () => {
  it('maps ECS level names, case-insensitively', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel('crit')).toBe('fatal');
    expect(parseLogLevel('none')).toBe('silent');
    expect(parseLogLevel('verbose')).toBeUndefined();
  });
});

describe('createLogger', () => {
  it('writes logfmt lines to the log file, honouring the level', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'log-'));
    const file = path.join(dir, 'ecs-init.log');
    const log = createLogger({ level: 'warn', file, stdout: false });
    log.info('hidden');
    log.warn('shown "quoted"');
    log.fatal('very bad');
    await log.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^level=warn time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ msg="shown \\"quoted\\""$/);
    expect(lines[1]).toMatch(/^level=critical time=\S+ msg="very bad"$/);
  });

  it('never writes redacted fields', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'log-'));
    const file = path.join(dir, 'agent.log');
    const log = createLogger({ level: 'info', file, stdout: false, format: 'json', redact: ['auth'] });
    log.info({ auth: 'secret-token' }, 'pulling');
    await log.close();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('secret-token');
    expect(JSON.parse(text.trim())).toMatchObject({ level: 'info', msg: 'pulling', auth: '[redacted]' });
  });

  it('filters the file by its own level (ECS_LOGLEVEL_ON_INSTANCE) and keeps none of it at none', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'log-'));
    const verbose = path.join(dir, 'verbose.log');
    const log = createLogger({ level: 'error', fileLevel: 'debug', file: verbose, stdout: false });
    log.debug('detail');
    log.info('progress');
    await log.close();
    expect(readFileSync(verbose, 'utf8').trim().split('\n').map((line) => /msg="(\w+)"/.exec(line)?.[1])).toEqual(['detail', 'progress']);

    const quiet = path.join(dir, 'quiet.log');
    const off = createLogger({ level: 'info', fileLevel: 'none', file: quiet, stdout: false });
    off.error('not on the instance');
    await off.close();
    expect(() => readFileSync(quiet, 'utf8')).toThrow();
  });
});

describe('log rollover', () => {
  it('names hourly files after the local hour they cover, size-rolled ones with a count', () => {
    const at = new Date(2018, 9, 1, 1, 59, 30);
    expect(rolledLogFileName('ecs-init.log', at, 'hourly')).toBe('ecs-init.log.2018-10-01-01');
    expect(rolledLogFileName('ecs-agent.log', at, 'size', 3)).toBe('ecs-agent.log.2018-10-01-01.3');
  });

  it('rolls by size and keeps at most maxRollCount rolled files beside the live one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'log-'));
    const log = createLogger({ level: 'info', file: path.join(dir, 'ecs-agent.log'), stdout: false, rollover: 'size', maxFileSizeMB: 1, maxRollCount: 2 });
    const line = 'x'.repeat(1000);
    for (let i = 0; i < 4000; i++) log.info(line);
    await log.close();
    const files = readdirSync(dir).filter((f) => f.startsWith('ecs-agent.log'));
    expect(files).toContain('ecs-agent.log');
    const rolled = files.filter((f) => f !== 'ecs-agent.log');
    expect(rolled.length).toBeGreaterThanOrEqual(1);
    expect(rolled.length).toBeLessThanOrEqual(2);
    for (const f of rolled) expect(f).toMatch(/^ecs-agent\.log\.\d{4}-\d\d-\d\d-\d\d\.\d+$/);
  });
});
