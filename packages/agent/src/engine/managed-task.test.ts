import { systemClock } from '@fractal-ecs/common';
import { testContainer, testTask } from '../api/test-support';
import type { Task } from '../api';
import type { ContainerEvent, ContainerInspectInfo, DockerClient } from '../dockerclient';
import type { PendingStateChange } from '../eventhandler';
import { noStateSaver } from '../statemanager';
import { ManualClock, settle as settleClock } from '../../test/fakes/manual-clock';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { DockerCallLimiter } from './docker-call-limiter';
import type { EngineContext } from './engine-context';
import { ManagedTask, STOP_REPORT_CHECK_INTERVAL_MS } from './managed-task';
import { StopSequence } from './stop-sequence';

const RUNTIME_ID = 'c0ffee';

/** A task whose one container is RUNNING in Docker, as after a start. */
function runningTask(): Task {
  return testTask([testContainer('web', { runtimeId: RUNTIME_ID, dockerName: 'ecs-f-1-web-1', knownStatus: 'RUNNING', sentStatus: 'RUNNING' })], {
    knownStatus: 'RUNNING',
    sentStatus: 'RUNNING',
  });
}

/** Docker that answers a stop at once and counts what the engine asks of it. */
function recordingDocker(calls: string[]): DockerClient {
  return {
    stopContainer: async (id: string) => {
      calls.push(`stop ${id}`);
      return { wasRunning: true };
    },
    inspectContainer: async (id: string) => {
      calls.push(`inspect ${id}`);
      return { Id: id, State: { Running: false, Dead: false, StartedAt: '2024-01-01T00:00:00Z', FinishedAt: '2024-01-01T00:00:09Z', ExitCode: 3, Pid: 0 } } as unknown as ContainerInspectInfo;
    },
  } as unknown as DockerClient;
}

function engineContext(docker: DockerClient, reports: PendingStateChange[], overrides: Partial<EngineContext> = {}): EngineContext {
  return {
    docker,
    clock: systemClock,
    logger: recordingLogger(),
    random: () => 0,
    settings: {
      cluster: 'c',
      stopTimeoutMs: 30_000,
      createTimeoutMs: 60_000,
      startTimeoutMs: 60_000,
      pullDependentContainersUpfront: false,
      cleanupWaitMs: 3_600_000,
      cleanupWaitJitterMs: 0,
      excludeIpv6PortBinding: true,
      sharedVolumeMatchFullConfig: false,
      steadyStateInspectMs: 300_000,
      drainIntervalMs: [10_000, 30_000],
      dockerCallConcurrency: 4,
    },
    images: { pull: async () => ({ pulled: true }), recordContainer: () => undefined, releaseContainer: () => undefined } as unknown as EngineContext['images'],
    render: () => ({}),
    dockerNameFor: () => 'ecs-f-1-web-1',
    state: noStateSaver,
    report: (change) => reports.push(change),
    dockerCalls: new DockerCallLimiter(4),
    stopSequence: new StopSequence(),
    indexContainer: () => undefined,
    removeTask: () => undefined,
    ...overrides,
  };
}

const event = (action: ContainerEvent['action'], fields: Partial<ContainerEvent> = {}): ContainerEvent =>
  ({ kind: 'container', action, id: RUNTIME_ID, time: new Date('2024-01-01T00:00:09.250Z'), timeNano: 0n, attributes: {}, ...fields }) as ContainerEvent;

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('ManagedTask and Docker events', () => {
  let managed: ManagedTask | undefined;
  afterEach(() => managed?.close());

  /** The task told to stop, with Docker answering the stop only after the die event came. */
  function stopWithDieEvent(calls: string[], reports: PendingStateChange[], before: ContainerEvent[] = []): ManagedTask {
    const context = engineContext(recordingDocker(calls), reports);
    const stopping = runningTask();
    stopping.desiredStatus = 'STOPPED';
    context.docker.stopContainer = async (id: string) => {
      calls.push(`stop ${id}`);
      for (const earlier of before) await managed!.onDockerEvent(earlier);
      await managed!.onDockerEvent(event('die', { exitCode: 137 }));
      return { wasRunning: true };
    };
    return new ManagedTask(stopping, context);
  }

  it('takes the die event of a container it is stopping as the stop: no inspect, the task reported STOPPED with its exit code', async () => {
    const calls: string[] = [];
    const reports: PendingStateChange[] = [];
    managed = stopWithDieEvent(calls, reports, [event('kill', { signal: 15 })]);
    managed.start();
    await settle();
    expect(calls).toEqual([`stop ${RUNTIME_ID}`]);
    const container = managed.task.containers[0]!;
    expect([container.knownStatus, container.knownExitCode, container.finishedAt]).toEqual(['STOPPED', 137, '2024-01-01T00:00:09.250Z']);
    expect(reports.map((change) => [change.request.status, change.request.containers?.[0]?.exitCode])).toEqual([['STOPPED', 137]]);
  });

  it('gives a container whose die followed an oom event the OutOfMemoryError reason', async () => {
    const reports: PendingStateChange[] = [];
    managed = stopWithDieEvent([], reports, [event('oom')]);
    managed.start();
    await settle();
    expect(reports[0]?.request.containers?.[0]?.reason).toBe('OutOfMemoryError: Container killed due to memory usage');
  });

  it('inspects a container that died unasked (as upstream), taking exit code and times from Docker', async () => {
    const calls: string[] = [];
    managed = new ManagedTask(runningTask(), engineContext(recordingDocker(calls), []));
    managed.start();
    await managed.onDockerEvent(event('kill', { signal: 9 }));
    await managed.onDockerEvent(event('die', { exitCode: 3 }));
    expect(calls).toEqual([`inspect ${RUNTIME_ID}`]);
    expect([managed.task.containers[0]!.knownExitCode, managed.task.containers[0]!.finishedAt]).toEqual([3, '2024-01-01T00:00:09Z']);
  });
});

const HOUR_MS = 3_600_000;
const CLEANUP_WAIT_MS = HOUR_MS;
const FIRST_STARTED_AT = '2024-01-01T00:00:00Z';

/** A task whose one container exited (known STOPPED at the clock's now), not yet reported STOPPED. */
function stoppedTask(clock: ManualClock): Task {
  const task = runningTask();
  Object.assign(task.containers[0]!, { knownStatus: 'STOPPED', desiredStatus: 'STOPPED', knownExitCode: 0, startedAt: FIRST_STARTED_AT, finishedAt: '2024-01-01T00:00:09Z' });
  return Object.assign(task, { knownStatus: 'STOPPED', desiredStatus: 'STOPPED', knownTime: clock.now().toISOString() });
}

/**
 * Docker that records removes and stops, and inspects the container as running since `startedAt()`;
 * `whileStopping` runs before a stop returns (Docker's die event comes then).
 */
function restartedDocker(calls: string[], startedAt: () => string, whileStopping: () => Promise<void> = async () => undefined): DockerClient {
  return {
    removeContainer: async (id: string) => void calls.push(`remove ${id}`),
    stopContainer: async (id: string, seconds: number) => {
      calls.push(`stop ${id} ${seconds}s`);
      await whileStopping();
      return { wasRunning: true };
    },
    inspectContainer: async (id: string) => {
      calls.push(`inspect ${id}`);
      return { Id: id, State: { Running: true, Dead: false, StartedAt: startedAt(), FinishedAt: '2024-01-01T00:00:09Z', ExitCode: 0, Pid: 4242 } } as unknown as ContainerInspectInfo;
    },
  } as unknown as DockerClient;
}

describe('ManagedTask cleanup and the report of STOPPED', () => {
  let managed: ManagedTask | undefined;
  afterEach(() => managed?.close());

  function stopped() {
    const clock = new ManualClock();
    const calls: string[] = [];
    const reports: PendingStateChange[] = [];
    const removed: string[] = [];
    const logger = recordingLogger();
    const context = engineContext(restartedDocker(calls, () => FIRST_STARTED_AT), reports, {
      clock,
      logger,
      removeTask: (arn) => void removed.push(arn),
      settings: { ...engineContext(recordingDocker([]), []).settings, cleanupWaitMs: CLEANUP_WAIT_MS },
    });
    managed = new ManagedTask(stoppedTask(clock), context);
    managed.start();
    return { clock, calls, reports, removed, logger, managed };
  }

  it('cleans up when the cleanup wait is over, not before, once STOPPED was reported', async () => {
    const { clock, calls, reports, removed, managed: task } = stopped();
    await settleClock();
    expect(reports.map((change) => change.request.status)).toEqual(['STOPPED']);
    await reports[0]!.markSent();
    await clock.advance(CLEANUP_WAIT_MS - 1);
    expect([calls, removed]).toEqual([[], []]);
    await clock.advance(1);
    expect([calls, removed]).toEqual([[`remove ${RUNTIME_ID}`], [task.task.arn]]);
  });

  it('keeps waiting for the report for up to 72 h after the cleanup wait, checking every 30 s, and cleans up as soon as it is made', async () => {
    const { clock, calls, reports, removed, logger, managed: task } = stopped();
    await clock.advance(CLEANUP_WAIT_MS + 72 * HOUR_MS - 1);
    expect([calls, removed]).toEqual([[], []]);
    const checks = logger.records.filter((record) => record.msg === 'Cleanup waits until the task has been reported STOPPED');
    expect(checks).toHaveLength((72 * HOUR_MS) / 30_000);
    expect(checks[1]!.fields).toMatchObject({ taskArn: task.task.arn, sentStatus: 'RUNNING', check: 2, maxChecks: 8640 });
    await reports[0]!.markSent();
    await settleClock();
    expect([calls, removed]).toEqual([[`remove ${RUNTIME_ID}`], [task.task.arn]]);
    expect(logger.records.filter((record) => record.level === 'error')).toEqual([]);
  });

  it('gives cleanup up when STOPPED was not reported 72 h after the cleanup wait: the containers stay, the task is no longer managed', async () => {
    const { clock, calls, reports, removed, logger, managed: task } = stopped();
    await clock.advance(CLEANUP_WAIT_MS + 72 * HOUR_MS);
    expect(logger.records.filter((record) => record.level === 'error')).toEqual([
      expect.objectContaining({ msg: 'Task cleanup given up: its STOPPED was never reported; its containers are left in place', fields: expect.objectContaining({ taskArn: task.task.arn, sentStatus: 'RUNNING' }) }),
    ]);
    expect(clock.pendingSleeps).toBe(0);
    // A report that gets through afterwards, and a Docker event, change nothing any more.
    await reports[0]!.markSent();
    await task.onDockerEvent(event('start'));
    await clock.advance(STOP_REPORT_CHECK_INTERVAL_MS * 10);
    expect([calls, removed]).toEqual([[], []]);
  });
});

describe('ManagedTask and a stopped container that runs again', () => {
  let managed: ManagedTask | undefined;
  afterEach(() => managed?.close());

  function stoppedWithDocker(startedAt: () => string) {
    const clock = new ManualClock();
    const calls: string[] = [];
    const reports: PendingStateChange[] = [];
    const logger = recordingLogger();
    const die = () => managed!.onDockerEvent(event('die', { exitCode: 137 }));
    managed = new ManagedTask(stoppedTask(clock), engineContext(restartedDocker(calls, startedAt, die), reports, { clock, logger }));
    managed.start();
    return { calls, reports, logger, managed };
  }

  it('stops it again (with its stop timeout), once per task: the next start from elsewhere is left alone', async () => {
    let startedAt = '2024-01-01T01:00:00Z';
    const { calls, reports, logger, managed: task } = stoppedWithDocker(() => startedAt);
    await settleClock();
    await task.onDockerEvent(event('start'));
    await settleClock();
    // Docker's die during the re-stop is the stop the agent asked for: no inspect, nothing new.
    expect(calls).toEqual([`inspect ${RUNTIME_ID}`, `stop ${RUNTIME_ID} 30s`]);
    startedAt = '2024-01-01T02:00:00Z';
    await task.onDockerEvent(event('start'));
    await settleClock();
    expect(calls).toEqual([`inspect ${RUNTIME_ID}`, `stop ${RUNTIME_ID} 30s`, `inspect ${RUNTIME_ID}`]);
    const container = task.task.containers[0]!;
    expect([container.knownStatus, container.knownExitCode, task.task.knownStatus]).toEqual(['STOPPED', 0, 'STOPPED']);
    expect(reports.map((change) => change.request.status)).toEqual(['STOPPED']);
    expect(logger.records.filter((record) => record.fields.container === 'web' && /running again/.test(record.msg)).map((record) => record.level)).toEqual(['warn', 'info']);
  });

  it('takes a late answer about the start before the stop (same StartedAt) as no new start', async () => {
    const { calls, managed: task } = stoppedWithDocker(() => FIRST_STARTED_AT);
    await task.onDockerEvent(event('restart'));
    await settleClock();
    expect(calls).toEqual([`inspect ${RUNTIME_ID}`]);
  });
});
