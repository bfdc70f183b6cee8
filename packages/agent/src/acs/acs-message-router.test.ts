import { TaskCredentialsStore } from '../credentials/task-credentials-store';
import { RecordingTaskEngine } from '../engine';
import { AgentUpdater, UPDATES_DISABLED_REASON } from '../updater';
import { encodeAcsFrame, type AcsAgentFrame, type AcsTask } from '../wire';
import type { SessionControl, SessionEnd } from '../wsclient';
import { settle } from '../../test/fakes/manual-clock';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { memoryManifestSequence, type AcsContext, type ManifestSequence } from './acs-context';
import { AcsMessageRouter } from './acs-message-router';

const CLUSTER = 'arn:aws:ecs:us-west-2:123456789012:cluster/default';
const INSTANCE = 'arn:aws:ecs:us-west-2:123456789012:container-instance/default/abc';

function task(arn: string, desiredStatus: string, extra: Partial<AcsTask> = {}): AcsTask {
  return { arn, family: 'web', version: '3', desiredStatus, containers: [{ name: 'c', image: 'busybox', essential: true }], ...extra };
}

/**
 * A sequence whose writes are recorded in `events` next to the frames sent (so "durable before the
 * ack" is observable); `failWrites` makes each write fail.
 */
function recordingSequence(initial: number, events: string[]) {
  const inner = memoryManifestSequence(initial);
  const sequence = {
    failWrites: false as boolean,
    latest: () => inner.latest(),
    raise: (seqNum: number) => inner.raise(seqNum),
    persist: async () => {
      if (sequence.failWrites) throw new Error('disk full');
      events.push(`saved seqNum ${inner.latest()}`);
    },
  } satisfies ManifestSequence & { failWrites: boolean };
  return sequence;
}

function setup(options: { updatesEnabled?: boolean; engine?: RecordingTaskEngine; latestSeqNum?: number } = {}) {
  const logger = recordingLogger();
  const engine = options.engine ?? new RecordingTaskEngine();
  const credentials = new TaskCredentialsStore();
  const sent: AcsAgentFrame[] = [];
  const events: string[] = [];
  const sequence = recordingSequence(options.latestSeqNum ?? 0, events);
  const context: AcsContext = {
    logger,
    engine,
    credentials,
    progress: { lastManifestMessageId: undefined },
    manifestSequence: sequence,
    updater: new AgentUpdater({ enabled: options.updatesEnabled ?? false, downloadDir: undefined, logger }),
    send: async (frame) => {
      // What goes on the wire, decoded again: catches frames that would not serialise.
      sent.push(JSON.parse(encodeAcsFrame(frame)) as AcsAgentFrame);
      events.push(`sent ${frame.type} ${(frame.message as { messageId?: string }).messageId}`);
    },
  };
  const ends: SessionEnd[] = [];
  let keepAlives = 0;
  const control: SessionControl = { keepAlive: () => keepAlives++, end: (end) => ends.push(end) };
  const router = new AcsMessageRouter(context, 3_600_000);
  const deliver = async (frame: unknown) => {
    router.handle(typeof frame === 'string' ? frame : JSON.stringify(frame), control);
    await settle();
  };
  return { logger, engine, credentials, context, sent, events, sequence, ends, deliver, keepAlives: () => keepAlives };
}

describe('ACS PayloadMessage', () => {
  it('hands STOPPED tasks to the engine before RUNNING ones, then acks credentials and the payload', async () => {
    const { engine, sent, deliver, credentials } = setup();
    await deliver({
      type: 'PayloadMessage',
      message: {
        messageId: 'm1',
        clusterArn: CLUSTER,
        containerInstanceArn: INSTANCE,
        seqNum: 7,
        tasks: [
          task('t-new', 'RUNNING', { roleCredentials: { credentialsId: 'cred-1', accessKeyId: 'AKID', secretAccessKey: 'SK', sessionToken: 'TOK', expiration: '2021-02-19T19:00:00Z' } }),
          task('t-old', 'STOPPED'),
        ],
      },
    });
    expect(engine.deliveries.map((t) => [t.arn, t.desiredStatus, t.seqNum])).toEqual([
      ['t-old', 'STOPPED', 7],
      ['t-new', 'RUNNING', 7],
    ]);
    expect(sent).toEqual([
      { type: 'IAMRoleCredentialsAckRequest', message: { messageId: 'm1', credentialsId: 'cred-1', expiration: '2021-02-19T19:00:00Z' } },
      { type: 'AckRequest', message: { messageId: 'm1', cluster: CLUSTER, containerInstance: INSTANCE } },
    ]);
    expect(credentials.forTask('t-new', 'TaskApplication')?.credentialsId).toBe('cred-1');
  });

  it('does not ack a payload when one task is refused, but keeps the accepted ones', async () => {
    const { engine, sent, deliver, logger } = setup();
    await deliver({ type: 'PayloadMessage', message: { messageId: 'm2', tasks: [task('t1', 'RUNNING'), task('t2', 'PENDING')] } });
    expect(engine.hasTask('t1')).toBe(true);
    expect(engine.hasTask('t2')).toBe(false);
    expect(sent).toEqual([]);
    expect(logger.records.some((r) => r.level === 'error' && String(r.fields.err).includes('desiredStatus') && r.fields.taskArn === 't2')).toBe(true);
  });

  it('processes payloads strictly in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const engine = new RecordingTaskEngine();
    const original = engine.addTask.bind(engine);
    engine.addTask = async (t, d) => {
      if (t.arn === 'slow') await gate;
      return original(t, d);
    };
    const { sent, deliver } = setup({ engine });
    await deliver({ type: 'PayloadMessage', message: { messageId: 'first', tasks: [task('slow', 'RUNNING')] } });
    await deliver({ type: 'PayloadMessage', message: { messageId: 'second', tasks: [task('fast', 'RUNNING')] } });
    expect(sent).toEqual([]);
    release();
    await settle();
    expect(sent.map((f) => (f.message as { messageId?: string }).messageId)).toEqual(['first', 'second']);
  });
});

describe('ACS heartbeats, credentials, manifests and updates', () => {
  it('answers a heartbeat with its messageId, and only resets the timer for one without', async () => {
    const { sent, deliver, keepAlives } = setup();
    await deliver({ type: 'HeartbeatMessage', message: { healthy: true, messageId: 'hb-1' } });
    await deliver({ type: 'HeartbeatMessage', message: { healthy: true } });
    expect(sent).toEqual([{ type: 'HeartbeatAckRequest', message: { messageId: 'hb-1' } }]);
    expect(keepAlives()).toBe(2);
  });

  it('stores refreshed credentials of a known task and acks them; refuses an unknown task', async () => {
    const { sent, deliver, engine, credentials, logger } = setup();
    await engine.addTask(task('t1', 'RUNNING'), { messageId: 'x' });
    const refresh = (taskArn: string, id: string) => ({
      type: 'IAMRoleCredentialsMessage',
      message: { messageId: `r-${id}`, taskArn, roleType: 'TaskExecution', roleCredentials: { credentialsId: id, accessKeyId: 'AKID', secretAccessKey: 'very-secret', sessionToken: 'tok', expiration: 'later' } },
    });
    await deliver(refresh('t1', 'c1'));
    await deliver(refresh('unknown-task', 'c2'));
    expect(sent).toEqual([{ type: 'IAMRoleCredentialsAckRequest', message: { messageId: 'r-c1', credentialsId: 'c1', expiration: 'later' } }]);
    expect(credentials.forTask('t1', 'TaskExecution')?.secretAccessKey?.reveal()).toBe('very-secret');
    expect(logger.text()).not.toContain('very-secret');
  });

  it('acks a newer manifest, asks to verify stops of tasks it lacks, and stops them on the matching ack only', async () => {
    const { sent, deliver, engine } = setup();
    await engine.addTask(task('keep', 'RUNNING'), { messageId: 'x' });
    await engine.addTask(task('orphan', 'RUNNING'), { messageId: 'x' });
    const manifest = { messageId: 'man-1', clusterArn: CLUSTER, containerInstanceArn: INSTANCE, timeline: 5, tasks: [{ taskArn: 'keep', desiredStatus: 'RUNNING' }] };
    await deliver({ type: 'TaskManifestMessage', message: manifest });
    expect(sent).toEqual([
      { type: 'AckRequest', message: { messageId: 'man-1', cluster: CLUSTER, containerInstance: INSTANCE } },
      { type: 'TaskStopVerificationMessage', message: { messageId: 'man-1', stopCandidates: [{ taskArn: 'orphan', taskClusterArn: CLUSTER, desiredStatus: 'STOPPED' }] } },
    ]);
    await deliver({ type: 'TaskStopVerificationAck', message: { messageId: 'other', stopTasks: [{ taskArn: 'orphan' }] } });
    expect(engine.get('orphan')?.desiredStatus).toBe('RUNNING');
    await deliver({ type: 'TaskStopVerificationAck', message: { messageId: 'man-1', stopTasks: [{ taskArn: 'orphan' }] } });
    expect(engine.get('orphan')?.desiredStatus).toBe('STOPPED');
    expect(engine.get('keep')?.desiredStatus).toBe('RUNNING');

    await deliver({ type: 'TaskManifestMessage', message: { ...manifest, messageId: 'man-old', timeline: 5 } });
    expect(sent).toHaveLength(2);
  });

  it('nacks StageUpdate and PerformUpdate with "Updates are disabled" when updates are off', async () => {
    const { sent, deliver } = setup();
    await deliver({ type: 'StageUpdateMessage', message: { messageId: 'u1', clusterArn: CLUSTER, containerInstanceArn: INSTANCE, updateInfo: { location: 'https://x', signature: 'abc' } } });
    await deliver({ type: 'PerformUpdateMessage', message: { messageId: 'u2' } });
    expect(sent).toEqual([
      { type: 'NackRequest', message: { messageId: 'u1', reason: UPDATES_DISABLED_REASON, cluster: CLUSTER, containerInstance: INSTANCE } },
      { type: 'NackRequest', message: { messageId: 'u2', reason: UPDATES_DISABLED_REASON } },
    ]);
  });

  it('ends the session with the long pause on InactiveInstanceException', async () => {
    const { ends, deliver } = setup();
    await deliver({ InactiveInstanceException: 'instance deregistered' });
    expect(ends).toEqual([{ kind: 'pause', ms: 3_600_000, error: expect.objectContaining({ message: 'InactiveInstanceException: instance deregistered' }) }]);
  });
});

describe('the task-manifest sequence number', () => {
  const manifest = (messageId: string, timeline: number, tasks: { taskArn: string; desiredStatus: string }[] = []) => ({
    type: 'TaskManifestMessage',
    message: { messageId, clusterArn: CLUSTER, containerInstanceArn: INSTANCE, timeline, tasks },
  });

  it('is raised by a payload seqNum and saved before the payload is acked; a lower seqNum does not lower it', async () => {
    const { deliver, sequence, events } = setup({ latestSeqNum: 3 });
    await deliver({ type: 'PayloadMessage', message: { messageId: 'p9', seqNum: 9, tasks: [task('t1', 'RUNNING')] } });
    await deliver({ type: 'PayloadMessage', message: { messageId: 'p4', seqNum: 4, tasks: [] } });
    expect(sequence.latest()).toBe(9);
    expect(events).toEqual(['saved seqNum 9', 'sent AckRequest p9', 'saved seqNum 9', 'sent AckRequest p4']);
  });

  it('is raised by a payload even when one of its tasks is refused (that payload is not acked)', async () => {
    const { deliver, sequence, sent } = setup();
    await deliver({ type: 'PayloadMessage', message: { messageId: 'p5', seqNum: 5, tasks: [task('t1', 'RUNNING'), task('t2', 'PENDING')] } });
    expect(sequence.latest()).toBe(5);
    expect(sent).toEqual([]);
  });

  it('leaves a payload unacked when its sequence number cannot be saved', async () => {
    const { deliver, sequence, sent, logger } = setup();
    sequence.failWrites = true;
    await deliver({ type: 'PayloadMessage', message: { messageId: 'p6', seqNum: 6, tasks: [task('t1', 'RUNNING')] } });
    expect(sent).toEqual([]);
    expect(logger.records.some((r) => r.level === 'error' && r.fields.messageId === 'p6' && r.fields.err === 'disk full')).toBe(true);
  });

  it('discards, without an ack, a manifest whose timeline is not above the latest payload seqNum', async () => {
    const { deliver, sent, engine } = setup();
    await engine.addTask(task('orphan', 'RUNNING'), { messageId: 'x' });
    await deliver({ type: 'PayloadMessage', message: { messageId: 'p7', seqNum: 7, tasks: [] } });
    await deliver(manifest('m-older', 6));
    await deliver(manifest('m-same', 7));
    expect(sent.map((f) => [f.type, (f.message as { messageId?: string }).messageId])).toEqual([['AckRequest', 'p7']]);
  });

  it('takes a newer manifest timeline as the latest, saved before the ack; a manifest is stale against it too', async () => {
    const { deliver, sequence, events } = setup({ latestSeqNum: 7 });
    await deliver(manifest('m-8', 8));
    await deliver(manifest('m-8-again', 8));
    expect(sequence.latest()).toBe(8);
    expect(events).toEqual(['saved seqNum 8', 'sent AckRequest m-8']);
  });

  it('leaves a manifest unacked, and asks for no stops, when its sequence number cannot be saved', async () => {
    const { deliver, sequence, sent, engine } = setup();
    await engine.addTask(task('orphan', 'RUNNING'), { messageId: 'x' });
    sequence.failWrites = true;
    await deliver(manifest('m-1', 1));
    expect(sent).toEqual([]);
  });
});

describe('task stop verification', () => {
  const manifest = (messageId: string, timeline: number, running: string[]) => ({
    type: 'TaskManifestMessage',
    message: { messageId, clusterArn: CLUSTER, timeline, tasks: running.map((taskArn) => ({ taskArn, desiredStatus: 'RUNNING' })) },
  });

  it('answers only the latest manifest: an ack for an earlier one stops nothing', async () => {
    const { deliver, engine } = setup();
    await engine.addTask(task('a', 'RUNNING'), { messageId: 'x' });
    await engine.addTask(task('b', 'RUNNING'), { messageId: 'x' });
    await deliver(manifest('m-1', 1, ['a']));
    await deliver(manifest('m-2', 2, ['a', 'b']));
    await deliver({ type: 'TaskStopVerificationAck', message: { messageId: 'm-1', stopTasks: [{ taskArn: 'b', desiredStatus: 'STOPPED' }] } });
    expect(engine.get('b')?.desiredStatus).toBe('RUNNING');
  });

  it('is used once, and an ack without a messageId is refused', async () => {
    const { deliver, engine } = setup();
    await engine.addTask(task('a', 'RUNNING'), { messageId: 'x' });
    await engine.addTask(task('b', 'RUNNING'), { messageId: 'x' });
    await deliver({ type: 'TaskStopVerificationAck', message: { messageId: '', stopTasks: [{ taskArn: 'a' }] } });
    expect(engine.get('a')?.desiredStatus).toBe('RUNNING');
    await deliver(manifest('m-1', 1, []));
    await deliver({ type: 'TaskStopVerificationAck', message: { messageId: 'm-1', stopTasks: [{ taskArn: 'a' }] } });
    await deliver({ type: 'TaskStopVerificationAck', message: { messageId: 'm-1', stopTasks: [{ taskArn: 'b' }] } });
    expect(engine.get('a')?.desiredStatus).toBe('STOPPED');
    expect(engine.get('b')?.desiredStatus).toBe('RUNNING');
  });
});

describe('ACS frames that cannot be handled', () => {
  it.each([
    ['not JSON', 'this is {not json'],
    ['a bad field', JSON.stringify({ type: 'PayloadMessage', message: { messageId: 'm', tasks: [{ arn: 5 }] } })],
    ['an unknown type', JSON.stringify({ type: 'FancyNewMessage', message: {} })],
    ['no type', JSON.stringify({ message: {} })],
  ])('logs and drops %s, then keeps handling frames', async (_name, frame) => {
    const { sent, deliver, logger, engine } = setup();
    await deliver(frame);
    expect(sent).toEqual([]);
    expect(engine.listTasks()).toEqual([]);
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(1);
    await deliver({ type: 'HeartbeatMessage', message: { messageId: 'after' } });
    expect(sent).toEqual([{ type: 'HeartbeatAckRequest', message: { messageId: 'after' } }]);
  });

  it('logs every received message with its type and messageId at info, never a task body', async () => {
    const { deliver, logger } = setup();
    await deliver({ type: 'PayloadMessage', message: { messageId: 'm9', seqNum: 2, tasks: [task('t', 'RUNNING', { roleCredentials: { credentialsId: 'c', secretAccessKey: 'hush' } })] } });
    await deliver({ type: 'CloseMessage', message: { message: 'bye' } });
    const received = logger.records.filter((r) => r.msg === 'Received ACS message');
    expect(received.map((r) => [r.level, r.fields.type, r.fields.messageId])).toEqual([
      ['info', 'PayloadMessage', 'm9'],
      ['info', 'CloseMessage', undefined],
    ]);
    expect(logger.text()).not.toContain('hush');
  });
});
