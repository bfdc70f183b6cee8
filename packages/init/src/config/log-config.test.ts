import { recordingLogger } from '../../test/recording-logger';
import { agentLogConfig } from './log-config';

// Upstream's config/common_test.go table (reference §6.4).
describe('agentLogConfig', () => {
  it.each([
    ['all defaults', {}, 'json-file', { 'max-size': '16m', 'max-file': '4' }],
    ['awslogs without options', { ECS_LOG_DRIVER: 'awslogs' }, 'awslogs', {}],
    [
      'json-file with size and count',
      { ECS_LOG_DRIVER: 'json-file', ECS_INIT_DOCKER_LOG_FILE_SIZE: '1m', ECS_INIT_DOCKER_LOG_FILE_NUM: '1' },
      'json-file',
      { 'max-size': '1m', 'max-file': '1' },
    ],
    [
      'json-file with options',
      { ECS_LOG_DRIVER: 'json-file', ECS_LOG_OPTS: '{"max-size":"17m","max-file":"5"}' },
      'json-file',
      { 'max-size': '17m', 'max-file': '5' },
    ],
    ['splunk with malformed options', { ECS_LOG_DRIVER: 'splunk', ECS_LOG_OPTS: '{"loggingOptions"}' }, 'splunk', {}],
    [
      'unsupported driver with options',
      { ECS_LOG_DRIVER: 'invalid', ECS_LOG_OPTS: '{"max-size":"17m"}' },
      'json-file',
      { 'max-size': '16m', 'max-file': '4' },
    ],
  ])('%s', (_name, env, driver, options) => {
    const { log } = recordingLogger();
    expect(agentLogConfig(env, log)).toEqual({ Type: driver, Config: options });
  });

  it('warns about an unsupported driver, naming it', () => {
    const { log, messages } = recordingLogger();
    agentLogConfig({ ECS_LOG_DRIVER: 'loki' }, log);
    expect(messages('warn')).toEqual([
      'Input value for "ECS_LOG_DRIVER" is not a supported log driver, overriding to json-file and using default log options: ECS_LOG_DRIVER=loki',
    ]);
  });

  it('warns about malformed options without echoing them (they may hold tokens)', () => {
    const { log, messages } = recordingLogger();
    agentLogConfig({ ECS_LOG_DRIVER: 'splunk', ECS_LOG_OPTS: '{"splunk-token":"s3cret",}' }, log);
    expect(messages('warn')).toHaveLength(1);
    expect(messages('warn')[0]).toContain('Invalid format for "ECS_LOG_OPTS"');
    expect(messages('warn')[0]).not.toContain('s3cret');
  });

  it('rejects non-string option values', () => {
    const { log, messages } = recordingLogger();
    expect(agentLogConfig({ ECS_LOG_DRIVER: 'gelf', ECS_LOG_OPTS: '{"gelf-address":"udp://x","n":3}' }, log)).toEqual({
      Type: 'gelf',
      Config: {},
    });
    expect(messages('warn')[0]).toContain('option "n" is not a string');
  });
});
