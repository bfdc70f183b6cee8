import { ManualClock, settle } from '../../test/fakes/manual-clock';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { finalSave } from './final-save';

/** A step the test finishes (or never does), recording when it was started. */
function step(name: string, started: string[]) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const run = () => {
    started.push(name);
    return new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { run, finish: () => finish(), fail: (error: Error) => fail(error) };
}

function start(disable: () => Promise<void>, save: () => Promise<void>) {
  const clock = new ManualClock();
  const logger = recordingLogger();
  let result: string[] | undefined;
  void finalSave({ disableEngine: disable, save }, clock, logger).then((failures) => (result = failures));
  return { clock, logger, result: () => result };
}

// Run with the default limits: the clock moves to just before and just at upstream's 5 s and 3 s.
describe('finalSave', () => {
  it('disables the engine, then saves; no failure when both finish in time', async () => {
    const started: string[] = [];
    const disable = step('disable', started);
    const save = step('save', started);
    const run = start(disable.run, save.run);
    await settle();
    expect(started).toEqual(['disable']);
    disable.finish();
    await settle();
    expect(started).toEqual(['disable', 'save']);
    save.finish();
    await settle();
    expect(run.result()).toEqual([]);
    expect(run.clock.pendingSleeps).toBe(0);
  });

  it('saves anyway after the engine has not settled within 5 s, and reports that', async () => {
    const started: string[] = [];
    const disable = step('disable', started);
    const save = step('save', started);
    const run = start(disable.run, save.run);
    await run.clock.advance(4_999);
    expect(started).toEqual(['disable']);
    await run.clock.advance(1);
    expect(started).toEqual(['disable', 'save']);
    save.finish();
    await settle();
    expect(run.result()).toEqual(['final save: timed out after 5000 ms waiting for the task engine to settle']);
  });

  it('gives up on a save still running after 3 s and reports it', async () => {
    const started: string[] = [];
    const save = step('save', started);
    const run = start(async () => undefined, save.run);
    await run.clock.advance(2_999);
    expect(run.result()).toBeUndefined();
    await run.clock.advance(1);
    expect(run.result()).toEqual(['final save: timed out after 3000 ms trying to save the state to disk']);
  });

  it('logs a failed write or engine shutdown without counting it a failure, as upstream', async () => {
    const run = start(
      () => Promise.reject(new Error('events stream stuck')),
      () => Promise.reject(new Error('ENOSPC: no space left on device')),
    );
    await settle();
    expect(run.result()).toEqual([]);
    expect(run.logger.records.filter((r) => r.level === 'error').map((r) => [r.msg, r.fields.err])).toEqual([
      ['Task engine shutdown failed', 'events stream stuck'],
      ['Final save: cannot write the agent state', 'ENOSPC: no space left on device'],
    ]);
  });
});
