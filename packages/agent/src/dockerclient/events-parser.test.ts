import { parseContainerEvent } from './events-parser';

const ID = 'f'.repeat(64);

function line(fields: object): string {
  return JSON.stringify(fields);
}

test('a die event carries the exit code, the attributes and the exact nanosecond time', () => {
  const text =
    `{"status":"die","id":"${ID}","from":"busybox","Type":"container","Action":"die",` +
    `"Actor":{"ID":"${ID}","Attributes":{"exitCode":"137","name":"ecs-x","image":"busybox","com.amazonaws.ecs.task-arn":"arn:t"}},` +
    `"scope":"local","time":1700000000,"timeNano":1700000000123456789}`;
  expect(parseContainerEvent(text)).toEqual({
    kind: 'container',
    action: 'die',
    id: ID,
    time: new Date(1700000000123),
    timeNano: 1700000000123456789n,
    exitCode: 137,
    attributes: { exitCode: '137', name: 'ecs-x', image: 'busybox', 'com.amazonaws.ecs.task-arn': 'arn:t' },
  });
});

test('health_status splits the status after the colon', () => {
  const event = parseContainerEvent(line({ Type: 'container', Action: 'health_status: unhealthy', Actor: { ID, Attributes: {} }, time: 5 }));
  expect(event).toMatchObject({ action: 'health_status', health: 'unhealthy', timeNano: 5_000_000_000n });
});

test('kill carries the signal', () => {
  expect(parseContainerEvent(line({ Type: 'container', Action: 'kill', Actor: { ID, Attributes: { signal: '15' } }, time: 1 }))).toMatchObject({ signal: 15 });
});

test('oom, destroy and start are kept with no exit code', () => {
  for (const action of ['oom', 'destroy', 'start'] as const) {
    const event = parseContainerEvent(line({ Type: 'container', Action: action, Actor: { ID, Attributes: {} }, time: 1 }));
    expect(event).toMatchObject({ action, id: ID });
    expect(event).not.toHaveProperty('exitCode');
  }
});

test('a die event with a malformed exit code has none rather than a wrong one', () => {
  expect(parseContainerEvent(line({ Type: 'container', Action: 'die', Actor: { ID, Attributes: { exitCode: 'x' } }, time: 1 }))).not.toHaveProperty('exitCode');
});

test('what the engine ignores gives undefined', () => {
  expect(parseContainerEvent(line({ Type: 'network', Action: 'connect', Actor: { ID, Attributes: {} }, time: 1 }))).toBeUndefined();
  expect(parseContainerEvent(line({ Type: 'container', Action: 'exec_start: sh -c true', Actor: { ID, Attributes: {} }, time: 1 }))).toBeUndefined();
  expect(parseContainerEvent(line({ Type: 'container', Action: 'die', time: 1 }))).toBeUndefined();
  expect(parseContainerEvent('{"Type":"container",')).toBeUndefined();
  expect(parseContainerEvent('null')).toBeUndefined();
});
