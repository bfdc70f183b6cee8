import type { UpdateContainerInstancesStateRequest } from '../wire';
import { ManualClock } from '../../test/fakes/manual-clock';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { drainOnSpotInterruption, SPOT_POLL_INTERVAL_MS } from './spot-draining';

const INSTANCE = { cluster: 'prod', containerInstanceArn: 'arn:aws:ecs:us-east-1:000000000000:container-instance/prod/abc' };
const NOTICE = '{"action":"terminate","time":"2017-09-18T08:22:00Z"}';

function harness(responses: (string | undefined | Error)[], apiOutcomes: ('ok' | 'missing' | Error)[] = []) {
  const clock = new ManualClock();
  const logger = recordingLogger();
  const updates: UpdateContainerInstancesStateRequest[] = [];
  let polls = 0;
  const deps = {
    instance: INSTANCE,
    clock,
    logger,
    async spotInstanceAction() {
      polls++;
      const next = responses.length > 1 ? responses.shift() : responses[0];
      if (next instanceof Error) throw next;
      return next;
    },
    async updateContainerInstancesState(input: UpdateContainerInstancesStateRequest) {
      updates.push(input);
      const outcome = apiOutcomes.shift() ?? 'ok';
      if (outcome instanceof Error) throw outcome;
      return outcome === 'missing' ? { failures: [{ arn: INSTANCE.containerInstanceArn, reason: 'MISSING' }], $metadata: {} } : { containerInstances: [], failures: [], $metadata: {} };
    },
  };
  return { deps, clock, logger, updates, polls: () => polls };
}

describe('drainOnSpotInterruption', () => {
  it('polls every second while no notice is scheduled, then drains once and stops polling', async () => {
    const h = harness([undefined, undefined, NOTICE]);
    const stop = new AbortController();
    const done = drainOnSpotInterruption(h.deps, stop.signal);
    await h.clock.advance(SPOT_POLL_INTERVAL_MS * 2);
    await expect(done).resolves.toBe(true);
    expect(h.polls()).toBe(3);
    expect(h.clock.requestedSleeps).toEqual([SPOT_POLL_INTERVAL_MS, SPOT_POLL_INTERVAL_MS]);
    expect(h.updates).toEqual([{ cluster: 'prod', containerInstances: [INSTANCE.containerInstanceArn], status: 'DRAINING' }]);
    await h.clock.advance(SPOT_POLL_INTERVAL_MS * 10);
    expect(h.polls()).toBe(3);
  });

  it('retries the API call on the next tick when it fails, and stops after the first answer', async () => {
    const h = harness([NOTICE], [new Error('ThrottlingException: slow down'), 'ok']);
    const done = drainOnSpotInterruption(h.deps, new AbortController().signal);
    await h.clock.advance(SPOT_POLL_INTERVAL_MS);
    await expect(done).resolves.toBe(true);
    expect(h.updates).toHaveLength(2);
    expect(h.logger.records.find((r) => r.level === 'error')?.fields.err).toBe('ThrottlingException: slow down');
  });

  it('does not call ECS again when ECS answers with a failure for the instance', async () => {
    const h = harness([NOTICE], ['missing']);
    await expect(drainOnSpotInterruption(h.deps, new AbortController().signal)).resolves.toBe(true);
    expect(h.updates).toHaveLength(1);
    expect(h.logger.records.find((r) => r.level === 'warn')?.fields.reason).toBe('MISSING');
  });

  it('ignores metadata errors and malformed notices, logging the latter, and keeps polling', async () => {
    const h = harness([new Error('connect ECONNREFUSED'), '{"action":"reboot"}', NOTICE]);
    const done = drainOnSpotInterruption(h.deps, new AbortController().signal);
    await h.clock.advance(SPOT_POLL_INTERVAL_MS * 2);
    await expect(done).resolves.toBe(true);
    expect(h.updates).toHaveLength(1);
    expect(h.logger.records.filter((r) => r.level === 'error').map((r) => r.msg)).toEqual(['Invalid response from the spot/instance-action endpoint']);
  });

  it('stops without draining when the agent stops', async () => {
    const h = harness([undefined]);
    const stop = new AbortController();
    const done = drainOnSpotInterruption(h.deps, stop.signal);
    await h.clock.advance(SPOT_POLL_INTERVAL_MS * 3);
    stop.abort();
    await expect(done).resolves.toBe(false);
    expect(h.updates).toEqual([]);
  });
});
