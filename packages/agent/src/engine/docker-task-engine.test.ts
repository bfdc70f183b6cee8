import { systemClock } from '@fractal-ecs/common';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { loadAgentConfig } from '../config';
import type { DockerClient } from '../dockerclient';
import type { StateChangeApi } from '../eventhandler';
import { AgentCheckpoint } from '../statemanager';
import type { AcsTask } from '../wire';
import { createDockerTaskEngine } from './create-engine';

const TASK: AcsTask = {
  arn: 'arn:aws:ecs:us-east-1:000000000000:task/c/1',
  family: 'f',
  version: '1',
  desiredStatus: 'RUNNING',
  containers: [{ name: 'web', image: 'busybox', essential: true, memory: 16 }],
};

describe('DockerTaskEngine once closed', () => {
  it('refuses new tasks (so their payload is not acknowledged) and keeps none of them', async () => {
    const { config } = loadAgentConfig({ env: { ECS_CLUSTER: 'c', ECS_ENABLE_TASK_CPU_MEM_LIMIT: 'false' }, readFile: () => undefined, flags: {} });
    const logger = recordingLogger();
    const api = { submitTaskStateChange: async () => ({}), submitContainerStateChange: async () => ({}) } as StateChangeApi;
    // Nothing reaches Docker: a refused task never gets that far.
    const docker = new Proxy({}, { get: (_, name) => () => Promise.reject(new Error(`docker.${String(name)} called`)) }) as unknown as DockerClient;
    const engine = createDockerTaskEngine({ config, cluster: 'c', docker, api, checkpoint: new AgentCheckpoint(undefined, logger), clock: systemClock, logger });
    await engine.close();
    await expect(engine.addTask(TASK, { messageId: 'm1' })).rejects.toThrow('the task engine is disabled: the agent is stopping');
    expect(engine.tasks()).toEqual([]);
  });
});
