import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createRequestSigner, type WsConnection } from '../wsclient';
import { parseTcsAgentFrame, splitSignedTcsFrame, type TaskMetric } from '../wire';
import { FakeConnection } from '../../test/fakes/fake-connection';
import { ManualClock, settle } from '../../test/fakes/manual-clock';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { TcsClient } from './tcs-client';
import { DEFAULT_TCS_TIMINGS } from './tcs-timings';
import { emptyTelemetrySource, type TelemetrySource } from './telemetry-source';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

function setup(options: { source?: TelemetrySource; metricsDisabled?: boolean; steps?: (FakeConnection | Error)[] } = {}) {
  const clock = new ManualClock();
  const urls: URL[] = [];
  const connections: FakeConnection[] = [];
  const steps = options.steps ?? [];
  let ids = 0;
  const client = new TcsClient({
    clock,
    random: () => 0,
    newMessageId: () => `msg-${++ids}`,
    logger: recordingLogger(),
    timings: DEFAULT_TCS_TIMINGS,
    endpoints: { get: async () => ({ acs: 'https://a.example', telemetry: 'https://ecs-t-1.us-west-2.amazonaws.com/' }) },
    signer: createRequestSigner({ credentials: async () => credentials, region: 'us-west-2', clock }),
    connector: {
      connect: async (url): Promise<WsConnection> => {
        urls.push(url);
        const step = steps.shift() ?? new FakeConnection();
        if (step instanceof Error) throw step;
        connections.push(step);
        return step;
      },
    },
    instance: { cluster: 'prod', containerInstanceArn: 'arn:ci' },
    agent: { version: '1.50.2', hash: '6cd32aa0' },
    dockerVersion: async () => '20.10.5',
    source: options.source ?? emptyTelemetrySource,
    metricsDisabled: options.metricsDisabled ?? false,
  });
  const controller = new AbortController();
  const done = client.run(controller.signal);
  const frames = (connection: FakeConnection) =>
    connection.sent.map((text) => {
      const split = splitSignedTcsFrame(text);
      if (!split.ok) throw new Error(split.error);
      const parsed = parseTcsAgentFrame(split.json);
      if (parsed.kind !== 'message') throw new Error(`bad frame ${split.json}`);
      return { headers: split.headers, json: split.json, frame: parsed.frame };
    });
  return { clock, urls, connections, controller, done, frames };
}

describe('TcsClient', () => {
  it('connects to <telemetryEndpoint>/ws with the raw docker version', async () => {
    const { urls, controller, done } = setup();
    await settle();
    expect(urls[0]!.toString()).toBe('wss://ecs-t-1.us-west-2.amazonaws.com/ws?cluster=prod&containerInstance=arn%3Aci&agentVersion=1.50.2&agentHash=6cd32aa0&dockerVersion=20.10.5');
    controller.abort();
    await done;
  });

  it('publishes an idle metrics message every 20 s with an empty source, signed per frame', async () => {
    const { clock, connections, controller, done, frames, urls } = setup();
    await settle();
    const connection = connections[0]!;
    expect(connection.sent).toEqual([]);
    await clock.advance(20_000);
    const published = frames(connection);
    expect(published.map((p) => p.frame)).toEqual([
      { type: 'PublishMetricsRequest', message: { metadata: { cluster: 'prod', containerInstance: 'arn:ci', messageId: expect.stringMatching(/^msg-/), idle: true, fin: true }, taskMetrics: [], timestamp: clock.now().getTime() / 1000 } },
    ]);
    // The frame is a GET of the session URL whose body is the JSON, signed by SigV4: recompute it.
    const { headers, json } = published[0]!;
    expect(Object.keys(headers).sort()).toEqual(['authorization', 'host', 'x-amz-date']);
    expect(connection.sent[0]!.startsWith('Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/')).toBe(true);
    const url = urls[0]!;
    const expected = await new SignatureV4({ credentials, region: 'us-west-2', service: 'ecs', sha256: Hash.bind(null, 'sha256'), applyChecksum: false }).sign(
      new HttpRequest({ method: 'GET', protocol: 'https:', hostname: url.hostname, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: { host: url.host }, body: json }),
      { signingDate: clock.now() },
    );
    expect(headers.authorization).toBe(expected.headers.authorization);
    await clock.advance(20_000);
    expect(frames(connection)).toHaveLength(2);
    controller.abort();
    await done;
  });

  it('chunks 23 tasks into three frames of one publication; sends nothing while samples are missing', async () => {
    let ready = false;
    const tasks: TaskMetric[] = Array.from({ length: 23 }, (_, i) => ({ taskArn: `t${i}`, containerMetrics: [{ containerName: 'c' }] }));
    const { clock, connections, controller, done, frames } = setup({ source: { taskMetrics: async () => (ready ? tasks : undefined), taskHealth: async () => [] } });
    await settle();
    await clock.advance(20_000);
    expect(connections[0]!.sent).toEqual([]);
    ready = true;
    await clock.advance(20_000);
    const metadata = frames(connections[0]!).map((p) => (p.frame.message as { metadata: { messageId: string; fin: boolean; idle: boolean } }).metadata);
    expect(metadata.map((m) => [m.idle, m.fin])).toEqual([
      [false, false],
      [false, false],
      [false, true],
    ]);
    expect(new Set(metadata.map((m) => m.messageId)).size).toBe(1);
    controller.abort();
    await done;
  });

  it('publishes health at connect and every interval, and no metrics when metrics are disabled', async () => {
    const source: TelemetrySource = {
      taskMetrics: async () => [],
      taskHealth: async () => [{ taskArn: 't', containers: [{ containerName: 'c', healthStatus: 'HEALTHY', statusSince: 1 }] }],
    };
    const { clock, connections, controller, done, frames } = setup({ source, metricsDisabled: true });
    await settle();
    expect(frames(connections[0]!).map((p) => p.frame.type)).toEqual(['PublishHealthRequest']);
    await clock.advance(20_000);
    expect(frames(connections[0]!).map((p) => p.frame.type)).toEqual(['PublishHealthRequest', 'PublishHealthRequest']);
    controller.abort();
    await done;
  });

  it('disconnects when only unrelated frames arrive, and backs off 1 s then 2 s', async () => {
    const { clock, connections, urls, controller, done } = setup({ steps: [new FakeConnection(), new Error('refused')] });
    await settle();
    connections[0]!.deliver({ type: 'ServerException', message: { message: 'oops' } });
    connections[0]!.deliver('garbage');
    await clock.advance(60_000);
    expect(connections[0]!.closedBy).toEqual({ code: 1000, reason: 'inactivity timeout' });
    await clock.advance(1_000);
    expect(urls).toHaveLength(2);
    await clock.advance(1_999);
    expect(urls).toHaveLength(2);
    await clock.advance(1);
    expect(urls).toHaveLength(3);
    controller.abort();
    await done;
  });

  it('stays connected while heartbeats and acks arrive', async () => {
    const { clock, connections, controller, done } = setup();
    await settle();
    for (let i = 0; i < 5; i++) {
      await clock.advance(50_000);
      connections[0]!.deliver({ type: i % 2 ? 'HeartbeatMessage' : 'AckPublishMetric', message: {} });
    }
    expect(connections[0]!.closedBy).toBeUndefined();
    controller.abort();
    await done;
  });
});
