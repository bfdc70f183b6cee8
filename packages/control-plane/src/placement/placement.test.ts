import type { EcsJson, Resource, TaskDefinition } from '@fractal-ecs/agent/wire';
import { choosePlacement, remainingCapacity, taskRequirements, type Requirements } from './placement';

const REGISTERED: EcsJson<Resource>[] = [
  { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
  { name: 'MEMORY', type: 'INTEGER', integerValue: 512 },
  { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '51678'] },
  { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: ['53'] },
];

function definition(overrides: Partial<EcsJson<TaskDefinition>>): EcsJson<TaskDefinition> {
  return { family: 'f', revision: 1, containerDefinitions: [{ name: 'a', image: 'busybox', cpu: 100, memory: 128 }], ...overrides };
}

describe('taskRequirements', () => {
  it('sums containers, reserving the soft memory limit when there is one', () => {
    const needs = taskRequirements(
      definition({
        containerDefinitions: [
          { name: 'a', image: 'i', cpu: 100, memory: 256, memoryReservation: 64, portMappings: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] },
          { name: 'b', image: 'i', cpu: 50, memory: 32, portMappings: [{ containerPort: 53, hostPort: 5353, protocol: 'udp' }] },
        ],
      }),
    );
    expect(needs).toEqual({ cpu: 150, memory: 96, tcpPorts: [8080], udpPorts: [5353], gpus: {}, gpuIds: [] });
  });

  it('uses task-level sizes and container ports in host mode, none in awsvpc', () => {
    const host = definition({ networkMode: 'host', cpu: '0.5 vCPU', memory: '256', containerDefinitions: [{ name: 'a', image: 'i', portMappings: [{ containerPort: 80 }] }] });
    expect(taskRequirements(host)).toEqual({ cpu: 512, memory: 256, tcpPorts: [80], udpPorts: [], gpus: {}, gpuIds: [] });
    expect(taskRequirements({ ...host, networkMode: 'awsvpc' }).tcpPorts).toEqual([]);
  });

  it('applies container overrides', () => {
    const needs = taskRequirements(definition({}), { containerOverrides: [{ name: 'a', cpu: 300, memory: 400 }] });
    expect([needs.cpu, needs.memory]).toEqual([300, 400]);
  });

  it('counts GPUs per container (an override replacing the definition), and the IDs a placed task holds', () => {
    const gpuDefinition = definition({
      containerDefinitions: [
        { name: 'a', image: 'i', memory: 8, resourceRequirements: [{ type: 'GPU', value: '2' }] },
        { name: 'b', image: 'i', memory: 8, resourceRequirements: [{ type: 'InferenceAccelerator', value: 'dev1' }] },
        { name: 'c', image: 'i', memory: 8, resourceRequirements: [{ type: 'GPU', value: '1' }] },
      ],
    });
    expect(taskRequirements(gpuDefinition).gpus).toEqual({ a: 2, c: 1 });
    expect(taskRequirements(gpuDefinition, { containerOverrides: [{ name: 'c', resourceRequirements: [{ type: 'GPU', value: '3' }] }] }).gpus).toEqual({ a: 2, c: 3 });
    const placed = [{ name: 'a', gpuIds: ['GPU-1', 'GPU-2'] }, { name: 'b' }, { name: 'c', gpuIds: ['GPU-3'] }];
    expect(taskRequirements(gpuDefinition, undefined, placed).gpuIds).toEqual(['GPU-1', 'GPU-2', 'GPU-3']);
  });
});

const holding = (held: Partial<Requirements>): Requirements => ({ cpu: 0, memory: 0, tcpPorts: [], udpPorts: [], gpus: {}, gpuIds: [], ...held });

describe('choosePlacement', () => {
  const needs = holding({ cpu: 512, memory: 256, tcpPorts: [8080] });

  it('takes the first instance with room', () => {
    const full = { arn: 'full', capacity: remainingCapacity(REGISTERED, [holding({ cpu: 1000, memory: 0 })]) };
    const free = { arn: 'free', capacity: remainingCapacity(REGISTERED, []) };
    expect(choosePlacement(needs, [full, free])).toEqual({ arn: 'free', gpus: {} });
  });

  it('names the resource each instance lacks', () => {
    const candidates = [
      { arn: 'cpu', capacity: remainingCapacity(REGISTERED, [holding({ cpu: 600, memory: 0 })]) },
      { arn: 'memory', capacity: remainingCapacity(REGISTERED, [holding({ cpu: 0, memory: 300 })]) },
      { arn: 'ports', capacity: remainingCapacity(REGISTERED, [holding({ cpu: 0, memory: 0, tcpPorts: [8080] })]) },
      { arn: 'udp', capacity: remainingCapacity(REGISTERED, []) },
    ];
    expect(choosePlacement({ ...needs, udpPorts: [53] }, candidates)).toEqual({
      failures: [
        { arn: 'cpu', reason: 'RESOURCE:CPU' },
        { arn: 'memory', reason: 'RESOURCE:MEMORY' },
        { arn: 'ports', reason: 'RESOURCE:PORTS' },
        { arn: 'udp', reason: 'RESOURCE:PORTS_UDP' },
      ],
    });
  });

  it("refuses the instance's reserved ports and a port the task asks for twice", () => {
    const free = { arn: 'free', capacity: remainingCapacity(REGISTERED, []) };
    expect(choosePlacement({ ...needs, tcpPorts: [22] }, [free])).toEqual({ failures: [{ arn: 'free', reason: 'RESOURCE:PORTS' }] });
    expect(choosePlacement({ ...needs, tcpPorts: [9000, 9000] }, [free])).toEqual({ failures: [{ arn: 'free', reason: 'RESOURCE:PORTS' }] });
  });

  describe('GPUs', () => {
    const withGpus = [...REGISTERED, { name: 'GPU', type: 'STRINGSET', stringSetValue: ['GPU-a', 'GPU-b', 'GPU-c'] }];

    it('gives each container that asks the free GPUs in registration order, skipping those other tasks hold', () => {
      const instance = { arn: 'gpu', capacity: remainingCapacity(withGpus, [holding({ gpuIds: ['GPU-a'] })]) };
      expect(instance.capacity.gpus).toEqual(['GPU-b', 'GPU-c']);
      expect(choosePlacement({ ...needs, gpus: { x: 1, y: 1 } }, [instance])).toEqual({ arn: 'gpu', gpus: { x: ['GPU-b'], y: ['GPU-c'] } });
    });

    it('refuses an instance without enough free GPUs (RESOURCE:GPU), and one that registered none', () => {
      const busy = { arn: 'busy', capacity: remainingCapacity(withGpus, [holding({ gpuIds: ['GPU-a', 'GPU-b'] })]) };
      const none = { arn: 'none', capacity: remainingCapacity(REGISTERED, []) };
      expect(choosePlacement({ ...needs, gpus: { x: 2 } }, [busy, none])).toEqual({
        failures: [
          { arn: 'busy', reason: 'RESOURCE:GPU' },
          { arn: 'none', reason: 'RESOURCE:GPU' },
        ],
      });
    });
  });
});
