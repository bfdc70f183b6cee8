import { recordingLogger } from '../../test/recording-logger';
import { parseAgentLabels } from './labels';

describe('parseAgentLabels', () => {
  it('returns the labels of a JSON object of strings', () => {
    const { log } = recordingLogger();
    expect(parseAgentLabels('{"test.label.1":"value1","test.label.2":"value2"}', log)).toEqual({
      'test.label.1': 'value1',
      'test.label.2': 'value2',
    });
  });

  it.each([undefined, '', '{}', 'null'])('means no labels for %j, silently', (value) => {
    const { log, records } = recordingLogger();
    expect(parseAgentLabels(value, log)).toBeUndefined();
    expect(records).toEqual([]);
  });

  it.each([
    ['{"a":1}', 'label "a" is not a string'],
    ['{"a":"x","b":{"c":"d"}}', 'label "b" is not a string'],
    ['["a"]', 'expected a JSON object'],
    ['"a"', 'expected a JSON object'],
    ['{bad', 'not valid JSON'],
  ])('logs %s and yields no labels at all', (value, reason) => {
    const { log, messages } = recordingLogger();
    expect(parseAgentLabels(value, log)).toBeUndefined();
    expect(messages('error')).toHaveLength(1);
    expect(messages('error')[0]).toContain('Failed to decode the container labels, skipping labels.');
    expect(messages('error')[0]).toContain(`ECS_AGENT_LABELS=${value}`);
    expect(messages('error')[0]).toContain(reason);
  });
});
