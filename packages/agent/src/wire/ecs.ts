// The ECS control-plane API (AWS JSON 1.1). Its shapes are the SDK's own; they are re-exported here
// so there is one place to import them from and no second spelling of the field names.
export type {
  Attachment,
  AttachmentStateChange,
  Attribute,
  Cluster,
  Container,
  ContainerDefinition,
  ContainerDependency,
  ContainerInstance,
  ContainerOverride,
  ContainerStateChange,
  CreateClusterRequest,
  CreateClusterResponse,
  DeregisterContainerInstanceRequest,
  DeregisterContainerInstanceResponse,
  DeregisterTaskDefinitionRequest,
  DeregisterTaskDefinitionResponse,
  DescribeClustersRequest,
  DescribeClustersResponse,
  DescribeContainerInstancesRequest,
  DescribeContainerInstancesResponse,
  DescribeTaskDefinitionRequest,
  DescribeTaskDefinitionResponse,
  DescribeTasksRequest,
  DescribeTasksResponse,
  DiscoverPollEndpointRequest,
  DiscoverPollEndpointResponse,
  Failure,
  KeyValuePair,
  ListClustersRequest,
  ListClustersResponse,
  ListContainerInstancesRequest,
  ListContainerInstancesResponse,
  ListTaskDefinitionsRequest,
  ListTaskDefinitionsResponse,
  ListTasksRequest,
  ListTasksResponse,
  ManagedAgentStateChange,
  MountPoint,
  NetworkBinding,
  PlatformDevice,
  PortMapping,
  PutAttributesRequest,
  PutAttributesResponse,
  RegisterContainerInstanceRequest,
  RegisterContainerInstanceResponse,
  RegisterTaskDefinitionRequest,
  RegisterTaskDefinitionResponse,
  Resource,
  RunTaskRequest,
  RunTaskResponse,
  StartTaskRequest,
  StartTaskResponse,
  StopTaskRequest,
  StopTaskResponse,
  SubmitAttachmentStateChangesRequest,
  SubmitAttachmentStateChangesResponse,
  SubmitContainerStateChangeRequest,
  SubmitContainerStateChangeResponse,
  SubmitTaskStateChangeRequest,
  SubmitTaskStateChangeResponse,
  Tag,
  Task,
  TaskDefinition,
  TaskOverride,
  UpdateContainerInstancesStateRequest,
  UpdateContainerInstancesStateResponse,
  VersionInfo,
  Volume,
  VolumeFrom,
} from '@aws-sdk/client-ecs';

/** `X-Amz-Target` is this prefix, a dot and the operation name. */
export const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113';
export const ECS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
/** SigV4 service name for the API, ACS and TCS alike. */
export const ECS_SIGNING_SERVICE = 'ecs';

/**
 * An SDK shape as it travels in a JSON 1.1 body: the SDK hands out Dates, the wire carries epoch
 * seconds (with a millisecond fraction) as JSON numbers.
 */
export type EcsJson<T> = T extends Date
  ? number
  : T extends readonly (infer U)[]
    ? EcsJson<U>[]
    : T extends object
      ? { [K in keyof T]: EcsJson<T[K]> }
      : T;

/** The error body of the JSON protocol: `{"__type":"ClientException","message":"..."}`. */
export interface EcsErrorBody {
  __type: string;
  message: string;
}

export function epochSeconds(date: Date): number {
  return Math.round(date.getTime()) / 1000;
}
