import type { Container } from './container';
import type { Task } from './task';

/** A NORMAL container in its initial state (desired RUNNING, known NONE), for tests; fields override. */
export function testContainer(name: string, fields: Partial<Container> = {}): Container {
  return {
    name,
    image: 'busybox',
    cpu: 0,
    memory: 64,
    essential: true,
    links: [],
    environment: {},
    environmentFiles: [],
    portMappings: [],
    mountPoints: [],
    volumesFrom: [],
    dependsOn: [],
    dockerConfig: {},
    secrets: [],
    startTimeout: 0,
    stopTimeout: 0,
    type: 'NORMAL',
    steadyState: 'RUNNING',
    v3EndpointId: `${name}-endpoint`,
    desiredStatus: 'RUNNING',
    knownStatus: 'NONE',
    sentStatus: 'NONE',
    knownPortBindings: [],
    health: { status: 'UNKNOWN' },
    ...fields,
  };
}

/** A bridge-mode task of `containers`, desired RUNNING and known NONE, for tests; fields override. */
export function testTask(containers: Container[], fields: Partial<Task> = {}): Task {
  return {
    arn: 'arn:aws:ecs:us-east-1:000000000000:task/c/1',
    family: 'f',
    version: '1',
    containers,
    volumes: [],
    cpu: 0,
    memory: 0,
    networkMode: 'bridge',
    startSequenceNumber: 0,
    stopSequenceNumber: 0,
    desiredStatus: 'RUNNING',
    knownStatus: 'NONE',
    sentStatus: 'NONE',
    ...fields,
  };
}
