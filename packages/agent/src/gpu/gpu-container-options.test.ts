import { gpuAssignments, gpuContainerOptions } from './gpu-container-options';

const containers = [{ name: 'train' }, { name: 'sidecar' }];

describe('gpuAssignments', () => {
  it('gives each container the GPUs its gpu associations name, ignoring other association types', () => {
    const assigned = gpuAssignments({
      containers,
      associations: [
        { type: 'gpu', name: 'GPU-a', containers: ['train'] },
        { type: 'elastic-inference', name: 'eia', containers: ['sidecar'] },
        { type: 'gpu', name: 'GPU-c', containers: ['train'] },
      ],
    });
    expect([...assigned]).toEqual([['train', ['GPU-a', 'GPU-c']]]);
  });

  it('refuses a GPU shared by several containers or given to an unknown one', () => {
    expect(() => gpuAssignments({ containers, associations: [{ type: 'gpu', name: 'GPU-a', containers: ['train', 'sidecar'] }] })).toThrow(
      'could not associate multiple containers to GPU GPU-a',
    );
    expect(() => gpuAssignments({ containers, associations: [{ type: 'gpu', name: 'GPU-a', containers: ['web'] }] })).toThrow(
      'could not find container with name web for associating GPU GPU-a',
    );
  });
});

describe('gpuContainerOptions', () => {
  it('sets NVIDIA_VISIBLE_DEVICES to exactly the assigned GPUs and the configured runtime', () => {
    expect(gpuContainerOptions(['GPU-a', 'GPU-c'], 'nvidia')).toEqual({ env: { NVIDIA_VISIBLE_DEVICES: 'GPU-a,GPU-c' }, runtime: 'nvidia' });
    expect(gpuContainerOptions(['GPU-b'], 'nvidia-custom')?.runtime).toBe('nvidia-custom');
  });

  it('changes nothing for a container without GPUs', () => {
    expect(gpuContainerOptions([], 'nvidia')).toBeUndefined();
  });

  it('refuses an empty runtime for a GPU container', () => {
    expect(() => gpuContainerOptions(['GPU-a'], '')).toThrow('ECS_NVIDIA_RUNTIME: Runtime is not set for GPU containers');
  });
});
