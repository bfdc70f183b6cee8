import { StopSequence } from './stop-sequence';

const settled = async (promise: Promise<void>) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('StopSequence (the seqNum rule)', () => {
  it('holds a start until every stop from the same or an earlier payload is done', async () => {
    const stops = new StopSequence();
    stops.register(3);
    stops.register(5);
    const startAt5 = stops.waitFor(5);
    const startAt4 = stops.waitFor(4);
    expect(await settled(startAt4)).toBe(false);
    stops.done(3);
    expect(await settled(startAt4)).toBe(true);
    expect(await settled(startAt5)).toBe(false);
    stops.done(5);
    expect(await settled(startAt5)).toBe(true);
  });

  it('does not hold a start for stops of later payloads, and counts two stops of one payload', async () => {
    const stops = new StopSequence();
    stops.register(7);
    stops.register(7);
    expect(await settled(stops.waitFor(6))).toBe(true);
    const start = stops.waitFor(7);
    stops.done(7);
    expect(await settled(start)).toBe(false);
    stops.done(7);
    expect(await settled(start)).toBe(true);
  });
});
