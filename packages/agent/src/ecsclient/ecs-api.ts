import {
  CreateClusterCommand,
  DiscoverPollEndpointCommand,
  RegisterContainerInstanceCommand,
  UpdateContainerInstancesStateCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import type {
  CreateClusterRequest,
  CreateClusterResponse,
  DiscoverPollEndpointRequest,
  DiscoverPollEndpointResponse,
  RegisterContainerInstanceRequest,
  RegisterContainerInstanceResponse,
  UpdateContainerInstancesStateRequest,
  UpdateContainerInstancesStateResponse,
} from '../wire';

/** The ECS API calls this part of the agent makes; the SDK client in production, a fake in unit tests. */
export interface EcsApi {
  registerContainerInstance(input: RegisterContainerInstanceRequest): Promise<RegisterContainerInstanceResponse>;
  createCluster(input: CreateClusterRequest): Promise<CreateClusterResponse>;
  discoverPollEndpoint(input: DiscoverPollEndpointRequest): Promise<DiscoverPollEndpointResponse>;
  /** Spot draining: DRAINING once an interruption notice arrives. */
  updateContainerInstancesState(input: UpdateContainerInstancesStateRequest): Promise<UpdateContainerInstancesStateResponse>;
}

export function sdkEcsApi(client: ECSClient): EcsApi {
  return {
    registerContainerInstance: (input) => client.send(new RegisterContainerInstanceCommand(input)),
    createCluster: (input) => client.send(new CreateClusterCommand(input)),
    discoverPollEndpoint: (input) => client.send(new DiscoverPollEndpointCommand(input)),
    updateContainerInstancesState: (input) => client.send(new UpdateContainerInstancesStateCommand(input)),
  };
}
