import type { Container } from './container';

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
