// The task server's HTTP wire formats (127.0.0.1:51679, 169.254.170.2 for tasks): task-role
// credentials, task metadata v2/v3/v4, and the container metadata file. Field names are upstream's
// JSON names (handlers/v1..v4, containermetadata); optional fields are the ones Go omits when empty.

/** `GET /v1/credentials?id=` and `/v2/credentials/<id>`: what the SDKs' container provider reads. */
export interface CredentialsResponse {
  RoleArn: string;
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  /** As ACS sent it, e.g. `2016-03-25T06:17:19.318+0000`. */
  Expiration: string;
}

/** A credentials error: `{"code":"InvalidIdInRequest","message":"CredentialsV2Request: ID not found","HTTPErrorCode":400}`. */
export interface CredentialsErrorResponse {
  code: CredentialsErrorCode;
  message: string;
  HTTPErrorCode: number;
}

export type CredentialsErrorCode = 'NoIdInRequest' | 'InvalidIdInRequest' | 'CredentialsUninitialized' | 'InternalServerError';

export interface PortResponse {
  ContainerPort?: number;
  Protocol?: string;
  HostPort?: number;
}

export interface VolumeResponse {
  DockerName?: string;
  Source?: string;
  Destination?: string;
}

/** `containermetadata.Network`. */
export interface NetworkResponse {
  NetworkMode?: string;
  IPv4Addresses?: string[];
  IPv6Addresses?: string[];
}

/** v4 networks add the ENI's properties in awsvpc mode (flattened into the same object). */
export interface V4NetworkResponse extends NetworkResponse {
  AttachmentIndex?: number;
  MACAddress?: string;
  IPv4SubnetCIDRBlock?: string;
  IPv6SubnetCIDRBlock?: string;
  DomainNameServers?: string[];
  DomainNameSearchList?: string[];
  PrivateDNSName?: string;
  SubnetGatewayIpv4Address?: string;
}

export interface LimitsResponse {
  /** Task: vCPU; container: CPU units, reported at least 2. */
  CPU?: number;
  /** MiB. */
  Memory?: number;
}

/** Docker health as the metadata shows it; `status` is left out while UNKNOWN (Go's zero value). */
export interface HealthResponse {
  status?: 'HEALTHY' | 'UNHEALTHY';
  statusSince?: string;
  exitCode?: number;
  output?: string;
}

/** v2 ContainerResponse (v3 serves it as is; v4 adds LogDriver, LogOptions, ContainerARN). Times are RFC 3339 UTC. */
export interface ContainerMetadataResponse {
  DockerId: string;
  Name: string;
  DockerName: string;
  Image: string;
  ImageID: string;
  Ports?: PortResponse[];
  Labels?: Record<string, string>;
  /** Container statuses: NONE, PULLED, CREATED, RUNNING, RESOURCES_PROVISIONED, STOPPED. */
  DesiredStatus: string;
  KnownStatus: string;
  ExitCode?: number;
  Limits: LimitsResponse;
  CreatedAt?: string;
  StartedAt?: string;
  FinishedAt?: string;
  /** NORMAL, EMPTY_HOST_VOLUME, CNI_PAUSE, NAMESPACE_PAUSE. */
  Type: string;
  Networks?: NetworkResponse[] | V4NetworkResponse[];
  Health?: HealthResponse;
  Volumes?: VolumeResponse[];
  LogDriver?: string;
  LogOptions?: Record<string, string>;
  ContainerARN?: string;
  /** The Fractal fork's per-container ID (not in upstream's shape; added after every upstream field). */
  FractalID?: string;
}

/** A tag-fetch failure in v4's taskWithTags (the v4 answer to tags silently missing). */
export interface MetadataErrorResponse {
  ErrorField?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
  StatusCode?: number;
  RequestId?: string;
  ResourceARN?: string;
}

/** v2/v3/v4 TaskResponse. Task statuses are the internal names NONE, CREATED, RUNNING, STOPPED. */
export interface TaskMetadataResponse {
  Cluster: string;
  TaskARN: string;
  Family: string;
  Revision: string;
  DesiredStatus?: string;
  KnownStatus: string;
  Containers?: ContainerMetadataResponse[];
  Limits?: LimitsResponse;
  PullStartedAt?: string;
  PullStoppedAt?: string;
  ExecutionStoppedAt?: string;
  AvailabilityZone?: string;
  TaskTags?: Record<string, string>;
  ContainerInstanceTags?: Record<string, string>;
  /** v4 only. */
  LaunchType?: string;
  /** v4 only. */
  Errors?: MetadataErrorResponse[];
}

/** `/associations/<type>`. */
export interface AssociationsResponse {
  Associations: string[] | null;
}

/** v4 stats: Docker's stats JSON plus the network rates the agent computes. */
export interface NetworkRateStats {
  rx_bytes_per_sec: number;
  tx_bytes_per_sec: number;
}

/** `ecs-container-metadata.json` (ECS_ENABLE_CONTAINER_METADATA). */
export interface ContainerMetadataFile {
  Cluster?: string;
  ContainerInstanceARN?: string;
  TaskARN?: string;
  TaskDefinitionFamily?: string;
  TaskDefinitionRevision?: string;
  ContainerID?: string;
  ContainerName?: string;
  DockerContainerName?: string;
  ImageID?: string;
  ImageName?: string;
  /** Every field is written, as Go writes PortBinding. */
  PortMappings?: { ContainerPort: number; HostPort: number; BindIp: string; Protocol: string }[];
  Networks?: NetworkResponse[];
  /** READY once rewritten after start; absent in the file written at create (upstream's INITIAL is Go's zero value). */
  MetadataFileStatus?: 'READY';
  AvailabilityZone?: string;
  HostPrivateIPv4Address?: string;
  HostPublicIPv4Address?: string;
}
