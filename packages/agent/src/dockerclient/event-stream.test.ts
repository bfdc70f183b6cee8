import { PassThrough } from 'node:stream';
import { ManualClock, settle } from '../../test/fakes/manual-clock';
import type { DockerEvent } from './docker-events';
import { ReconnectingEventStream } from './event-stream';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function eventLine(id: string, action: string, timeNano: bigint): string {
  return `{"Type":"container","Action":"${action}","Actor":{"ID":"${id}","Attributes":{}},"time":${timeNano / 1_000_000_000n},"timeNano":${timeNano}}\n`;
}

/** A fake GET /events: each open hands out the next stream (or error) and records `since`. */
class FakeEvents {
  readonly opens: Array<string | undefined> = [];
  readonly streams: PassThrough[] = [];
  failuresLeft = 0;

  readonly open = async (since: string | undefined): Promise<NodeJS.ReadableStream> => {
    this.opens.push(since);
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('connect ECONNREFUSED /var/run/docker.sock');
    }
    const stream = new PassThrough();
    this.streams.push(stream);
    return stream;
  };

  get current(): PassThrough {
    return this.streams[this.streams.length - 1]!;
  }
}

function summary(events: DockerEvent[]): string[] {
  return events.map((e) => (e.kind === 'container' ? `${e.id[0]}:${e.action}` : `resumed(${e.cause.message})`));
}

test('events split across chunks are delivered once each, in order', async () => {
  const fake = new FakeEvents();
  const received: DockerEvent[] = [];
  const stream = new ReconnectingEventStream(fake.open, (e) => received.push(e), new ManualClock());
  await stream.ready;
  const text = eventLine(A, 'start', 1_000_000_000_000000001n) + eventLine(A, 'die', 1_000_000_000_000000002n);
  fake.current.write(text.slice(0, 30));
  fake.current.write(text.slice(30));
  await settle();
  expect(summary(received)).toEqual(['a:start', 'a:die']);
  stream.close();
});

test('a dropped stream reopens from the last event, skips what it already delivered, and says it resumed', async () => {
  const fake = new FakeEvents();
  const received: DockerEvent[] = [];
  const errors: string[] = [];
  const stream = new ReconnectingEventStream(fake.open, (e) => received.push(e), new ManualClock(), { onStreamError: (e) => errors.push(e.message) });
  await stream.ready;
  fake.current.write(eventLine(A, 'start', 1_700_000_000_000000005n));
  fake.current.write(eventLine(B, 'start', 1_700_000_000_000000005n));
  await settle();
  fake.current.destroy(new Error('socket hang up'));
  await settle();

  expect(fake.opens).toEqual([undefined, '1700000000.000000005']);
  // Docker replays inclusively: the two events at the resume instant come again, then new ones.
  fake.current.write(eventLine(A, 'start', 1_700_000_000_000000005n));
  fake.current.write(eventLine(B, 'start', 1_700_000_000_000000005n));
  fake.current.write(eventLine(A, 'die', 1_700_000_000_000000005n));
  fake.current.write(eventLine(B, 'die', 1_700_000_000_000000009n));
  await settle();
  expect(summary(received)).toEqual(['a:start', 'b:start', 'resumed(socket hang up)', 'a:die', 'b:die']);
  expect(errors).toEqual(['socket hang up']);
  stream.close();
});

test('failed reconnects back off and keep trying until Docker answers', async () => {
  const fake = new FakeEvents();
  const clock = new ManualClock();
  const received: DockerEvent[] = [];
  const errors: string[] = [];
  const stream = new ReconnectingEventStream(fake.open, (e) => received.push(e), clock, { onStreamError: (e) => errors.push(e.message) });
  await stream.ready;
  fake.failuresLeft = 3;
  fake.current.end();
  await settle();
  await clock.advance(10_000);
  expect(clock.requestedSleeps).toEqual([100, 200, 400]);
  expect(fake.opens).toHaveLength(5);
  expect(errors).toEqual(['Docker closed the event stream', ...Array(3).fill('connect ECONNREFUSED /var/run/docker.sock')]);
  expect(summary(received)).toEqual(['resumed(Docker closed the event stream)']);
  stream.close();
});

test('a throwing listener does not stop the stream', async () => {
  const fake = new FakeEvents();
  const errors: string[] = [];
  let calls = 0;
  const stream = new ReconnectingEventStream(
    fake.open,
    () => {
      calls++;
      throw new Error('bug');
    },
    new ManualClock(),
    { onStreamError: (e) => errors.push(e.message) },
  );
  await stream.ready;
  fake.current.write(eventLine(A, 'start', 1n) + eventLine(A, 'die', 2n));
  await settle();
  expect(calls).toBe(2);
  expect(errors).toEqual(['Docker event listener failed on container event', 'Docker event listener failed on container event']);
  stream.close();
});

test('close ends the stream for good', async () => {
  const fake = new FakeEvents();
  const stream = new ReconnectingEventStream(fake.open, () => {}, new ManualClock());
  await stream.ready;
  stream.close();
  fake.current.destroy(new Error('aborted'));
  await settle();
  expect(fake.opens).toHaveLength(1);
});
