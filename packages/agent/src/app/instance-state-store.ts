import type { AgentCheckpoint } from '../statemanager';

/** What the agent must remember to come back as the same container instance. */
export interface SavedInstance {
  readonly cluster: string;
  readonly containerInstanceArn: string;
  readonly ec2InstanceId?: string;
  readonly availabilityZone?: string;
}

/** Where the registration survives restarts: the agent checkpoint (or nowhere with ECS_CHECKPOINT off). */
export interface InstanceStateStore {
  load(): Promise<SavedInstance | undefined>;
  save(instance: SavedInstance): Promise<void>;
}

/** The instance part of the agent checkpoint (`Cluster`, `ContainerInstanceArn`, ... in ecs_agent_data.json). */
export function checkpointInstanceStore(checkpoint: AgentCheckpoint): InstanceStateStore {
  return {
    load: async () => checkpoint.instance,
    async save(instance) {
      checkpoint.instance = instance;
      await checkpoint.save();
    },
  };
}
