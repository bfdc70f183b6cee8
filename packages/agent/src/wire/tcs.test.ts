import { formatSignedTcsFrame, parseTcsAgentFrame, parseTcsServerFrame, splitSignedTcsFrame } from './tcs';

const METRICS =
  '{"type":"PublishMetricsRequest","message":{"metadata":{"cluster":"c","containerInstance":"arn","messageId":"uuid","idle":false,"fin":true},"taskMetrics":[{"taskArn":"arn","taskDefinitionFamily":"f","taskDefinitionVersion":"3","containerMetrics":[{"containerName":"web","cpuStatsSet":{"min":0.1,"max":2.5,"sampleCount":19,"sum":12.3},"memoryStatsSet":{"min":40,"max":42,"sampleCount":20,"sum":820}}]}],"timestamp":1614556800.123}}';

describe('TCS frames', () => {
  it('parses the upstream metrics example', () => {
    const result = parseTcsAgentFrame(METRICS);
    expect(result.kind).toBe('message');
    if (result.kind !== 'message' || result.frame.type !== 'PublishMetricsRequest') return;
    expect(result.frame.message.metadata).toEqual({ cluster: 'c', containerInstance: 'arn', messageId: 'uuid', idle: false, fin: true });
    expect(result.frame.message.taskMetrics![0]!.containerMetrics![0]!.cpuStatsSet).toEqual({ min: 0.1, max: 2.5, sampleCount: 19, sum: 12.3 });
    expect(result.frame.message.timestamp).toBe(1614556800.123);
  });

  it('parses health, network and storage stats', () => {
    const ulong = { min: 1, max: 9, sampleCount: 2, sum: 10, overflowMin: 0, overflowMax: 0, overflowSum: 0 };
    const text = JSON.stringify({
      type: 'PublishMetricsRequest',
      message: {
        metadata: { messageId: 'm', fin: true },
        taskMetrics: [
          {
            taskArn: 't',
            containerMetrics: [
              {
                containerName: 'web',
                networkStatsSet: { rxBytes: ulong, txBytes: ulong, rxBytesPerSecond: { min: 0, max: 1.5, sampleCount: 2, sum: 1.5 } },
                storageStatsSet: { readSizeBytes: ulong, writeSizeBytes: ulong },
              },
            ],
          },
        ],
      },
    });
    expect(parseTcsAgentFrame(text).kind).toBe('message');
    const health =
      '{"type":"PublishHealthRequest","message":{"metadata":{"cluster":"c","containerInstance":"ci","messageId":"h","fin":true},"tasks":[{"taskArn":"t","taskDefinitionFamily":"f","taskDefinitionVersion":"1","containers":[{"containerName":"web","healthStatus":"HEALTHY","statusSince":1614556800.5}]}],"timestamp":1614556801}}';
    const parsed = parseTcsAgentFrame(health);
    expect(parsed.kind === 'message' && parsed.frame.type === 'PublishHealthRequest' && parsed.frame.message.tasks![0]!.containers![0]!.healthStatus).toBe('HEALTHY');
    expect(parseTcsAgentFrame('{"type":"StartTelemetrySessionRequest","message":{"cluster":"c","containerInstance":"ci"}}').kind).toBe('message');
  });

  it.each([
    ['{"type":"HeartbeatMessage","message":{"healthy":true}}'],
    ['{"type":"AckPublishMetric","message":{"message":""}}'],
    ['{"type":"AckPublishHealth","message":{}}'],
    ['{"type":"StopTelemetrySessionMessage","message":{"message":"bye"}}'],
    ['{"type":"ResourceValidationException","message":{"message":"bad"}}'],
  ])('parses the server frame %s', (text) => {
    const result = parseTcsServerFrame(text);
    expect(result.kind).toBe('message');
    if (result.kind === 'message') expect(result.frame).toEqual(JSON.parse(text));
  });

  it('names the field and value of a bad stats set', () => {
    const bad = METRICS.replace('"sampleCount":19', '"sampleCount":"19"');
    expect(parseTcsAgentFrame(bad)).toMatchObject({
      kind: 'invalid',
      error: { field: 'message.taskMetrics[0].containerMetrics[0].cpuStatsSet.sampleCount', value: '"19"' },
    });
  });
});

describe('signed TCS frames', () => {
  it('writes sorted header lines, a blank line and the JSON, and reads them back', () => {
    const headers = { 'X-Amz-Date': '20210301T000000Z', Host: 'tcs.local:8443', Authorization: 'AWS4-HMAC-SHA256 Credential=x' };
    const text = formatSignedTcsFrame(headers, METRICS);
    expect(text.startsWith('Authorization: AWS4-HMAC-SHA256 Credential=x\r\nHost: tcs.local:8443\r\nX-Amz-Date: 20210301T000000Z\r\n\r\n{')).toBe(true);
    expect(splitSignedTcsFrame(text)).toEqual({
      ok: true,
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x', host: 'tcs.local:8443', 'x-amz-date': '20210301T000000Z' },
      json: METRICS,
    });
  });

  it('refuses a frame without the header block', () => {
    const result = splitSignedTcsFrame(METRICS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('blank line');
  });

  it('refuses a malformed header line, quoting it', () => {
    const result = splitSignedTcsFrame('Host tcs.local\r\n\r\n{}');
    expect(result).toEqual({ ok: false, error: 'frame: expected a "Key: value" header line, got "Host tcs.local"' });
  });
});
