import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAgentConfig } from '../config';
import { createAgentLogger } from './agent-logger';

describe('createAgentLogger', () => {
  it('writes ECS_LOGFILE at ECS_LOGLEVEL_ON_INSTANCE in ECS_LOG_OUTPUT_FORMAT and never writes secret fields', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'agent-log-')), 'ecs-agent.log');
    const { config } = loadAgentConfig({
      env: { AWS_DEFAULT_REGION: 'us-east-1', ECS_LOGLEVEL: 'none', ECS_LOGLEVEL_ON_INSTANCE: 'debug', ECS_LOGFILE: file, ECS_LOG_OUTPUT_FORMAT: 'json' },
      readFile: () => undefined,
    });
    const logger = createAgentLogger(config.logging);
    logger.debug({ credentials: { secretAccessKey: 'SK-VALUE', accessKeyId: 'AKID' } }, 'detail');
    logger.info({ sessionToken: 'TOKEN-VALUE' }, 'progress');
    await logger.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      ['debug', 'detail'],
      ['info', 'progress'],
    ]);
    expect(lines[0]!.credentials).toEqual({ secretAccessKey: '[redacted]', accessKeyId: 'AKID' });
    expect(lines[1]!.sessionToken).toBe('[redacted]');
  });
});
