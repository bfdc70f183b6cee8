import { systemClock } from '@fractal-ecs/common';
import { testContainer } from '../api/test-support';
import type { Task } from '../api';
import type { ContainerEvent, ContainerInspectInfo, DockerClient } from '../dockerclient';
import type { PendingStateChange } from '../eventhandler';
import { noStateSaver } from '../statemanager';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { DockerCallLimiter } from './docker-call-limiter';
import type { EngineContext } from './engine-context';
import { ManagedTask } from './managed-task';
import { StopSequence } from './stop-sequence';

const RUNTIME_ID = 'c0ffee';

/** A task whose one container is RUNNING in Docker, as after a start. */
function runningTask(): Task {
  return {
    arn: 'arn:aws:ecs:us-east-1:000000000000:task/c/1',
    family: 'f',
    version: '1',
    containers: [testContainer('web', { runtimeId: RUNTIME_ID, dockerName: 'ecs-f-1-web-1', knownStatus: 'RUNNING', sentStatus: 'RUNNING' })],
    volumes: [],
    cpu: 0,
    memory: 0,
    networkMode: 'bridge',
    startSequenceNumber: 0,
    stopSequenceNumber: 0,
    desiredStatus: 'RUNNING',
    knownStatus: 'RUNNING',
    sentStatus: 'RUNNING',
  };
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

function engineContext(docker: DockerClient, reports: PendingStateChange[]): EngineContext {
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
