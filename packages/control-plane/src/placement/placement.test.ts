import type { EcsJson, Resource, TaskDefinition } from '@fractal-ecs/agent/wire';
import { choosePlacement, remainingCapacity, taskRequirements } from './placement';

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
    expect(needs).toEqual({ cpu: 150, memory: 96, tcpPorts: [8080], udpPorts: [5353] });
  });

  it('uses task-level sizes and container ports in host mode, none in awsvpc', () => {
    const host = definition({ networkMode: 'host', cpu: '0.5 vCPU', memory: '256', containerDefinitions: [{ name: 'a', image: 'i', portMappings: [{ containerPort: 80 }] }] });
    expect(taskRequirements(host)).toEqual({ cpu: 512, memory: 256, tcpPorts: [80], udpPorts: [] });
    expect(taskRequirements({ ...host, networkMode: 'awsvpc' }).tcpPorts).toEqual([]);
  });

  it('applies container overrides', () => {
    const needs = taskRequirements(definition({}), { containerOverrides: [{ name: 'a', cpu: 300, memory: 400 }] });
    expect([needs.cpu, needs.memory]).toEqual([300, 400]);
  });
});

describe('choosePlacement', () => {
  const needs = { cpu: 512, memory: 256, tcpPorts: [8080], udpPorts: [] };

  it('takes the first instance with room', () => {
    const full = { arn: 'full', capacity: remainingCapacity(REGISTERED, [{ cpu: 1000, memory: 0, tcpPorts: [], udpPorts: [] }]) };
    const free = { arn: 'free', capacity: remainingCapacity(REGISTERED, []) };
    expect(choosePlacement(needs, [full, free])).toEqual({ arn: 'free' });
  });

  it('names the resource each instance lacks', () => {
    const candidates = [
      { arn: 'cpu', capacity: remainingCapacity(REGISTERED, [{ cpu: 600, memory: 0, tcpPorts: [], udpPorts: [] }]) },
      { arn: 'memory', capacity: remainingCapacity(REGISTERED, [{ cpu: 0, memory: 300, tcpPorts: [], udpPorts: [] }]) },
      { arn: 'ports', capacity: remainingCapacity(REGISTERED, [{ cpu: 0, memory: 0, tcpPorts: [8080], udpPorts: [] }]) },
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
});
