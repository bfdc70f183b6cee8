import { TaskCredentialsStore } from '../credentials/task-credentials-store';
import { RecordingTaskEngine } from '../engine';
import { AgentUpdater } from '../updater';
import { HandshakeError, type SessionEnd, type WsConnection } from '../wsclient';
import { FakeConnection } from '../../test/fakes/fake-connection';
import { ManualClock, settle } from '../../test/fakes/manual-clock';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { AcsClient } from './acs-client';
import { DEFAULT_ACS_TIMINGS } from './acs-timings';

type Step = FakeConnection | Error;

function setup(steps: Step[]) {
  const clock = new ManualClock();
  const logger = recordingLogger();
  const urls: URL[] = [];
  const headers: Record<string, string>[] = [];
  const connections: FakeConnection[] = [];
  let inactive = 0;
  const client = new AcsClient({
    clock,
    random: () => 0,
    logger,
    timings: DEFAULT_ACS_TIMINGS,
    endpoints: { get: async () => ({ acs: 'https://ecs-a-1.us-west-2.amazonaws.com', telemetry: 'https://ecs-t-1.us-west-2.amazonaws.com' }) },
    signer: { signGet: async (url) => ({ host: url.host, authorization: `signed ${url.searchParams.get('sendCredentials')}` }) },
    connector: {
      connect: async (url, h): Promise<WsConnection> => {
        urls.push(url);
        headers.push(h);
        const step = steps.shift() ?? new FakeConnection();
        if (step instanceof Error) throw step;
        connections.push(step);
        return step;
      },
    },
    engine: new RecordingTaskEngine(),
    credentials: new TaskCredentialsStore(),
    instance: { cluster: 'prod', containerInstanceArn: 'arn:aws:ecs:us-west-2:1:container-instance/prod/abc' },
    agent: { version: '1.50.2', hash: '*6cd32aa0' },
    dockerVersion: async () => '20.10.5',
    updater: new AgentUpdater({ enabled: false, downloadDir: undefined, logger }),
    onInactiveInstance: () => inactive++,
  });
  const controller = new AbortController();
  let result: SessionEnd | undefined;
  const done = client.run(controller.signal).then((end) => (result = end));
  return { clock, logger, urls, headers, connections, controller, done, result: () => result, inactive: () => inactive };
}

describe('AcsClient', () => {
  it('connects to <endpoint>/ws with upstream query parameters, sendCredentials only the first time', async () => {
    const first = new FakeConnection();
    const { urls, headers, clock, controller, done } = setup([first]);
    await settle();
    first.closeFromServer(1000, 'ConnectionExpired: Reconnect to continue');
    await clock.advance(0);
    expect(urls).toHaveLength(2);
    const url = urls[0]!;
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('wss://ecs-a-1.us-west-2.amazonaws.com/ws');
    expect([...url.searchParams]).toEqual([
      ['clusterArn', 'prod'],
      ['containerInstanceArn', 'arn:aws:ecs:us-west-2:1:container-instance/prod/abc'],
      ['agentHash', '*6cd32aa0'],
      ['agentVersion', '1.50.2'],
      ['seqNum', '1'],
      ['dockerVersion', 'DockerVersion: 20.10.5'],
      ['sendCredentials', 'true'],
      ['protocolVersion', '2'],
    ]);
    expect(urls[1]!.searchParams.get('sendCredentials')).toBe('false');
    expect(headers[0]).toEqual({ host: 'ecs-a-1.us-west-2.amazonaws.com', authorization: 'signed true' });
    controller.abort();
    await done;
  });

  it('reconnects at once after a clean close, and after a growing backoff after failures', async () => {
    const refused = () => new Error('connect ECONNREFUSED');
    const { urls, clock, controller, done } = setup([refused(), refused(), refused(), new FakeConnection()]);
    await settle();
    expect(urls).toHaveLength(1);
    expect(clock.requestedSleeps).toEqual([250]);
    await clock.advance(249);
    expect(urls).toHaveLength(1);
    await clock.advance(1);
    expect(urls).toHaveLength(2);
    await clock.advance(375);
    expect(urls).toHaveLength(3);
    // Waits so far: 250, 375, then 562.5 rounded; the fourth attempt connects.
    expect(clock.requestedSleeps).toEqual([250, 375, 562]);
    await clock.advance(562);
    expect(urls).toHaveLength(4);
    controller.abort();
    await done;
  });

  it('closes a connection that stays silent past the inactivity timeout and backs off', async () => {
    const quiet = new FakeConnection();
    const { urls, clock, controller, done } = setup([quiet]);
    await settle();
    await clock.advance(59_999);
    quiet.deliver({ type: 'HeartbeatMessage', message: { healthy: true } });
    await clock.advance(59_999);
    expect(quiet.closedBy).toBeUndefined();
    await clock.advance(1);
    expect(quiet.closedBy).toEqual({ code: 1000, reason: 'inactivity timeout' });
    await settle();
    expect(urls).toHaveLength(1);
    await clock.advance(250);
    expect(urls).toHaveLength(2);
    controller.abort();
    await done;
  });

  it('waits an hour after InactiveInstanceException in the handshake, and tells telemetry', async () => {
    const { urls, clock, controller, done, inactive } = setup([new HandshakeError(400, '{"InactiveInstanceException":"Container instance is inactive"}')]);
    await settle();
    expect(inactive()).toBe(1);
    await clock.advance(3_600_000 - 1);
    expect(urls).toHaveLength(1);
    await clock.advance(1);
    expect(urls).toHaveLength(2);
    controller.abort();
    await done;
  });

  it('gives up on an unretriable handshake error', async () => {
    const { done, result } = setup([new HandshakeError(403, '{"AccessDeniedException":"not authorized"}')]);
    await done;
    expect(result()).toEqual({ kind: 'terminal', error: expect.objectContaining({ message: 'AccessDeniedException: not authorized' }) });
  });

  it('treats a refused handshake without a known error body as retryable', async () => {
    const { urls, clock, controller, done } = setup([new HandshakeError(502, '<html>bad gateway</html>')]);
    await settle();
    await clock.advance(250);
    expect(urls).toHaveLength(2);
    controller.abort();
    await done;
  });

  it('closes the session with 1000 when the agent stops', async () => {
    const open = new FakeConnection();
    const { controller, done, result } = setup([open]);
    await settle();
    controller.abort();
    await done;
    expect(open.closedBy).toEqual({ code: 1000, reason: 'agent shutting down' });
    expect(result()).toEqual({ kind: 'stopped' });
  });
});
