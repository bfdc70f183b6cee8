import { createLogger, systemClock } from '@fractal-ecs/common';
import type { SubmitTaskStateChangeRequest } from '../wire';
import type { StateChangeApi } from './state-change-api';
import { TaskStateReporter, type PendingStateChange } from './task-state-reporter';

const logger = createLogger({ level: 'none' });
const fastBackoff = { minMs: 1, maxMs: 4, multiple: 2, jitter: 0 };

function change(taskArn: string, status: string, sent: Set<string>): PendingStateChange {
  const key = `${taskArn}:${status}`;
  return {
    taskArn,
    request: { cluster: 'c', task: taskArn, status },
    isRedundant: () => sent.has(key),
    markSent: async () => {
      sent.add(key);
    },
  };
}

function api(fail: (request: SubmitTaskStateChangeRequest, attempt: number) => Error | undefined) {
  const calls: SubmitTaskStateChangeRequest[] = [];
  const attempts = new Map<string, number>();
  const fake: StateChangeApi = {
    submitTaskStateChange: async (request) => {
      const key = `${request.task}:${request.status}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      calls.push(request);
      const error = fail(request, attempt);
      if (error) throw error;
      return {};
    },
    submitContainerStateChange: async () => ({}),
  };
  return { fake, calls };
}

describe('TaskStateReporter', () => {
  it('keeps each task in order, retrying the head until ECS accepts it, and marks it sent once', async () => {
    const sent = new Set<string>();
    const { fake, calls } = api((request, attempt) => (request.status === 'RUNNING' && attempt < 3 ? new Error('throttled') : undefined));
    const reporter = new TaskStateReporter({ api: fake, clock: systemClock, logger, backoff: fastBackoff });
    reporter.submit(change('t1', 'RUNNING', sent));
    reporter.submit(change('t1', 'STOPPED', sent));
    await reporter.whenIdle();
    expect(calls.map((call) => call.status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'STOPPED']);
    expect([...sent]).toEqual(['t1:RUNNING', 't1:STOPPED']);
  });

  it('drops a change already reported and one ECS refuses as invalid, and goes on with the next', async () => {
    const sent = new Set<string>(['t1:RUNNING']);
    const invalid = Object.assign(new Error('bad container'), { name: 'InvalidParameterException' });
    const { fake, calls } = api((request) => (request.status === 'PENDING' ? invalid : undefined));
    const reporter = new TaskStateReporter({ api: fake, clock: systemClock, logger, backoff: fastBackoff });
    reporter.submit(change('t1', 'RUNNING', sent));
    reporter.submit(change('t1', 'PENDING', sent));
    reporter.submit(change('t1', 'STOPPED', sent));
    await reporter.whenIdle();
    expect(calls.map((call) => call.status)).toEqual(['PENDING', 'STOPPED']);
    expect(sent.has('t1:PENDING')).toBe(false);
    expect(sent.has('t1:STOPPED')).toBe(true);
  });

  it('does not let one task stuck in retries hold back another', async () => {
    const sent = new Set<string>();
    const { fake } = api((request) => (request.task === 'stuck' ? new Error('unavailable') : undefined));
    const reporter = new TaskStateReporter({ api: fake, clock: systemClock, logger, backoff: fastBackoff });
    reporter.submit(change('stuck', 'RUNNING', sent));
    reporter.submit(change('fine', 'RUNNING', sent));
    for (let i = 0; i < 100 && !sent.has('fine:RUNNING'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sent.has('fine:RUNNING')).toBe(true);
    expect(reporter.pendingTasks()).toEqual(['stuck']);
    reporter.close();
  });
});
