import { loadAgentConfig } from '../config';
import { instanceResources } from './instance-resources';

const configOf = (env: Record<string, string>) => loadAgentConfig({ env: { AWS_DEFAULT_REGION: 'us-east-1', ...env }, readFile: () => undefined }).config;

describe('instanceResources', () => {
  it('reports cores × 1024, memory minus the reservation and the reserved ports including the defaults', () => {
    const config = configOf({ ECS_RESERVED_MEMORY: '256', ECS_RESERVED_PORTS_UDP: '[53,123]' });
    expect(instanceResources(config, { cpuCount: 2, memoryMiB: 3951 })).toEqual([
      { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 3695 },
      { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2375', '2376', '51678', '51679'] },
      { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: ['53', '123'] },
    ]);
  });

  it('refuses a reservation that leaves no memory, naming the variable', () => {
    expect(() => instanceResources(configOf({ ECS_RESERVED_MEMORY: '4096' }), { cpuCount: 1, memoryMiB: 4000 })).toThrow(
      "ECS_RESERVED_MEMORY=4096: reserves all of the host's 4000 MiB of memory",
    );
  });
});
