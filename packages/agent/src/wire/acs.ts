// ACS, the Agent Communication Service: the websocket on which the backend sends tasks and
// credentials to the agent and the agent acknowledges them. Shapes follow the upstream model
// (service `ecsacs`); the generated Go structs leave every field optional, so only the fields a
// handler cannot do without (the message IDs it acknowledges) are required here. Timestamps are
// epoch seconds as JSON numbers; `expiration` in credentials is an opaque string passed through.
import { encodeFrame, parseFrame, type FrameOf, type ParseResult } from './envelope';
import { arr, bool, int, num, obj, opt, record, str, type Infer } from './schema';

/** Path appended to the endpoint DiscoverPollEndpoint returns (a `/` is inserted if missing). */
export const ACS_PATH = 'ws';

/** Query parameters of the ACS websocket URL. */
export const AcsQuery = {
  clusterArn: 'clusterArn',
  containerInstanceArn: 'containerInstanceArn',
  agentHash: 'agentHash',
  agentVersion: 'agentVersion',
  seqNum: 'seqNum',
  dockerVersion: 'dockerVersion',
  sendCredentials: 'sendCredentials',
  protocolVersion: 'protocolVersion',
} as const;

/** The ACS `dockerVersion` parameter carries this prefix; the TCS one does not. */
export const ACS_DOCKER_VERSION_PREFIX = 'DockerVersion: ';

/** The close reason ACS gives when it ends a session on purpose; the agent reconnects at once. */
export const ACS_CONNECTION_EXPIRED = 'ConnectionExpired: Reconnect to continue';

const iamRoleCredentials = obj({
  credentialsId: opt(str),
  roleArn: opt(str),
  accessKeyId: opt(str),
  secretAccessKey: opt(str),
  sessionToken: opt(str),
  expiration: opt(str),
});

const portMapping = obj({ containerPort: opt(int), hostPort: opt(int), protocol: opt(str) });
const mountPoint = obj({ sourceVolume: opt(str), containerPath: opt(str), readOnly: opt(bool) });
const volumeFrom = obj({ sourceContainer: opt(str), readOnly: opt(bool) });

/** Docker Engine API `container.Config` and `HostConfig`, each pre-rendered as a JSON string. */
const dockerConfig = obj({ version: opt(str), config: opt(str), hostConfig: opt(str) });

const registryAuthentication = obj({
  type: opt(str),
  ecrAuthData: opt(obj({ registryId: opt(str), region: opt(str), endpointOverride: opt(str), useExecutionRole: opt(bool) })),
  asmAuthData: opt(obj({ credentialsParameter: opt(str), region: opt(str) })),
});

const secret = obj({
  name: opt(str),
  valueFrom: opt(str),
  containerPath: opt(str),
  type: opt(str),
  region: opt(str),
  provider: opt(str),
  target: opt(str),
});

const containerDependency = obj({ containerName: opt(str), condition: opt(str) });

const container = obj({
  name: opt(str),
  image: opt(str),
  command: opt(arr(str)),
  entryPoint: opt(arr(str)),
  /** CPU units (1024 = one core). */
  cpu: opt(int),
  /** Hard limit in MiB. */
  memory: opt(int),
  essential: opt(bool),
  links: opt(arr(str)),
  /** A map, unlike the list form of the ECS API. */
  environment: opt(record(str)),
  environmentFiles: opt(arr(obj({ value: opt(str), type: opt(str) }))),
  portMappings: opt(arr(portMapping)),
  mountPoints: opt(arr(mountPoint)),
  volumesFrom: opt(arr(volumeFrom)),
  /** A JSON string such as `{}` or `{"command":["sh"]}`. */
  overrides: opt(str),
  dockerConfig: opt(dockerConfig),
  healthCheckType: opt(str),
  registryAuthentication: opt(registryAuthentication),
  logsAuthStrategy: opt(str),
  secrets: opt(arr(secret)),
  dependsOn: opt(arr(containerDependency)),
  /** Seconds. */
  startTimeout: opt(int),
  /** Seconds. */
  stopTimeout: opt(int),
  firelensConfiguration: opt(obj({ type: opt(str), options: opt(record(str)) })),
  managedAgents: opt(arr(obj({ name: opt(str), properties: opt(record(str)) }))),
  containerArn: opt(str),
});

const volume = obj({
  name: opt(str),
  /** host (default), docker, efs or fsxWindowsFileServer. */
  type: opt(str),
  /** An empty or absent sourcePath asks the agent for a docker local volume. */
  host: opt(obj({ sourcePath: opt(str) })),
  dockerVolumeConfiguration: opt(
    obj({
      scope: opt(str),
      autoprovision: opt(bool),
      driver: opt(str),
      driverOpts: opt(record(str)),
      labels: opt(record(str)),
    }),
  ),
  efsVolumeConfiguration: opt(
    obj({
      fileSystemId: opt(str),
      rootDirectory: opt(str),
      transitEncryption: opt(str),
      transitEncryptionPort: opt(int),
      authorizationConfig: opt(obj({ accessPointId: opt(str), iam: opt(str) })),
    }),
  ),
  fsxWindowsFileServerVolumeConfiguration: opt(
    obj({
      fileSystemId: opt(str),
      rootDirectory: opt(str),
      authorizationConfig: opt(obj({ credentialsParameter: opt(str), domain: opt(str) })),
    }),
  ),
});

const elasticNetworkInterface = obj({
  attachmentArn: opt(str),
  ec2Id: opt(str),
  macAddress: opt(str),
  ipv4Addresses: opt(arr(obj({ privateAddress: opt(str), primary: opt(bool) }))),
  ipv6Addresses: opt(arr(obj({ address: opt(str) }))),
  domainName: opt(arr(str)),
  domainNameServers: opt(arr(str)),
  privateDnsName: opt(str),
  subnetGatewayIpv4Address: opt(str),
  interfaceAssociationProtocol: opt(str),
  interfaceVlanProperties: opt(obj({ vlanId: opt(str), trunkInterfaceMacAddress: opt(str) })),
});

const task = obj({
  arn: opt(str),
  family: opt(str),
  /** The task definition revision, as a string. */
  version: opt(str),
  desiredStatus: opt(str),
  /** Ignored by the agent. */
  overrides: opt(str),
  taskDefinitionAccountId: opt(str),
  containers: opt(arr(container)),
  volumes: opt(arr(volume)),
  roleCredentials: opt(iamRoleCredentials),
  executionRoleCredentials: opt(iamRoleCredentials),
  elasticNetworkInterfaces: opt(arr(elasticNetworkInterface)),
  /** vCPU, e.g. 0.25 (the API's "256"). */
  cpu: opt(num),
  /** MiB. */
  memory: opt(int),
  associations: opt(
    arr(
      obj({
        name: opt(str),
        type: opt(str),
        content: opt(obj({ value: opt(str), encoding: opt(str) })),
        containers: opt(arr(str)),
      }),
    ),
  ),
  pidMode: opt(str),
  ipcMode: opt(str),
  proxyConfiguration: opt(obj({ type: opt(str), containerName: opt(str), properties: opt(record(str)) })),
  launchType: opt(str),
});

const taskIdentifier = obj({ taskArn: opt(str), taskClusterArn: opt(str), desiredStatus: opt(str) });
const exceptionBody = obj({ message: opt(str) });
const updateInfo = obj({ location: opt(str), signature: opt(str) });

const updateMessage = obj({
  messageId: str,
  clusterArn: opt(str),
  containerInstanceArn: opt(str),
  updateInfo: opt(updateInfo),
});

const attachNetworkInterfaces = {
  messageId: str,
  clusterArn: opt(str),
  containerInstanceArn: opt(str),
  generatedAt: opt(num),
  waitTimeoutMs: opt(int),
  elasticNetworkInterfaces: opt(arr(elasticNetworkInterface)),
};

/** Errors ACS sends, as frames or as the `{"<Type>":"<text>"}` body of a refused handshake. */
export const ACS_ERROR_TYPES = [
  'ServerException',
  'BadRequestException',
  'InvalidClusterException',
  'InvalidInstanceException',
  'AccessDeniedException',
  'InactiveInstanceException',
] as const;
export type AcsErrorType = (typeof ACS_ERROR_TYPES)[number];
/** After these the agent stops reconnecting (InactiveInstance: it waits an hour). */
export const ACS_UNRETRIABLE_ERRORS: readonly AcsErrorType[] = [
  'InvalidInstanceException',
  'InvalidClusterException',
  'InactiveInstanceException',
  'AccessDeniedException',
];

/** Server to agent. */
export const acsServerCatalog = {
  PayloadMessage: obj({
    messageId: str,
    clusterArn: opt(str),
    containerInstanceArn: opt(str),
    generatedAt: opt(num),
    seqNum: opt(int),
    tasks: opt(arr(task)),
  }),
  /** v1.52+ carries a messageId the agent echoes in HeartbeatAckRequest. */
  HeartbeatMessage: obj({ healthy: opt(bool), messageId: opt(str) }),
  /** There is no type called RefreshCredentialsMessage on the wire. */
  IAMRoleCredentialsMessage: obj({
    messageId: str,
    clusterArn: opt(str),
    taskArn: str,
    /** TaskApplication or TaskExecution. */
    roleType: opt(str),
    roleCredentials: iamRoleCredentials,
  }),
  TaskManifestMessage: obj({
    messageId: str,
    clusterArn: opt(str),
    containerInstanceArn: opt(str),
    tasks: opt(arr(taskIdentifier)),
    generatedAt: opt(num),
    /** Compared with the highest payload seqNum seen; stale manifests are ignored. */
    timeline: opt(int),
  }),
  TaskStopVerificationAck: obj({ messageId: str, generatedAt: opt(num), stopTasks: opt(arr(taskIdentifier)) }),
  AttachTaskNetworkInterfacesMessage: obj({ ...attachNetworkInterfaces, taskArn: opt(str) }),
  AttachInstanceNetworkInterfacesMessage: obj(attachNetworkInterfaces),
  StageUpdateMessage: updateMessage,
  PerformUpdateMessage: updateMessage,
  CloseMessage: exceptionBody,
  ErrorMessage: exceptionBody,
  ServerException: exceptionBody,
  BadRequestException: exceptionBody,
  InvalidClusterException: exceptionBody,
  InvalidInstanceException: exceptionBody,
  AccessDeniedException: exceptionBody,
  InactiveInstanceException: exceptionBody,
};

/** Agent to server. */
export const acsAgentCatalog = {
  /** Acks PayloadMessage, TaskManifestMessage and the network-interface attach messages. */
  AckRequest: obj({ cluster: opt(str), containerInstance: opt(str), messageId: str }),
  NackRequest: obj({ cluster: opt(str), containerInstance: opt(str), messageId: str, reason: opt(str) }),
  IAMRoleCredentialsAckRequest: obj({ messageId: str, expiration: opt(str), credentialsId: opt(str) }),
  HeartbeatAckRequest: obj({ messageId: str }),
  /** messageId is the manifest's. */
  TaskStopVerificationMessage: obj({ messageId: str, stopCandidates: opt(arr(taskIdentifier)) }),
  /** In the model but never sent by the agent. */
  PollRequest: obj({
    cluster: opt(str),
    containerInstance: opt(str),
    seqNum: opt(int),
    sendCredentials: opt(bool),
    versionInfo: opt(obj({ agentVersion: opt(str), agentHash: opt(str), dockerVersion: opt(str) })),
  }),
};

export type AcsIAMRoleCredentials = Infer<typeof iamRoleCredentials>;
export type AcsPortMapping = Infer<typeof portMapping>;
export type AcsMountPoint = Infer<typeof mountPoint>;
export type AcsVolumeFrom = Infer<typeof volumeFrom>;
export type AcsDockerConfig = Infer<typeof dockerConfig>;
export type AcsRegistryAuthentication = Infer<typeof registryAuthentication>;
export type AcsSecret = Infer<typeof secret>;
export type AcsContainerDependency = Infer<typeof containerDependency>;
export type AcsContainer = Infer<typeof container>;
export type AcsVolume = Infer<typeof volume>;
export type AcsElasticNetworkInterface = Infer<typeof elasticNetworkInterface>;
export type AcsTask = Infer<typeof task>;
export type AcsTaskIdentifier = Infer<typeof taskIdentifier>;
export type AcsUpdateInfo = Infer<typeof updateInfo>;

type ServerCatalog = typeof acsServerCatalog;
type AgentCatalog = typeof acsAgentCatalog;
export type PayloadMessage = Infer<ServerCatalog['PayloadMessage']>;
export type HeartbeatMessage = Infer<ServerCatalog['HeartbeatMessage']>;
export type IAMRoleCredentialsMessage = Infer<ServerCatalog['IAMRoleCredentialsMessage']>;
export type TaskManifestMessage = Infer<ServerCatalog['TaskManifestMessage']>;
export type TaskStopVerificationAck = Infer<ServerCatalog['TaskStopVerificationAck']>;
export type AttachTaskNetworkInterfacesMessage = Infer<ServerCatalog['AttachTaskNetworkInterfacesMessage']>;
export type AttachInstanceNetworkInterfacesMessage = Infer<ServerCatalog['AttachInstanceNetworkInterfacesMessage']>;
export type StageUpdateMessage = Infer<ServerCatalog['StageUpdateMessage']>;
export type PerformUpdateMessage = Infer<ServerCatalog['PerformUpdateMessage']>;
export type CloseMessage = Infer<ServerCatalog['CloseMessage']>;
export type ErrorMessage = Infer<ServerCatalog['ErrorMessage']>;
/** Body of every ACS exception type (ServerException, InactiveInstanceException, ...). */
export type AcsException = Infer<ServerCatalog['ServerException']>;
export type AckRequest = Infer<AgentCatalog['AckRequest']>;
export type NackRequest = Infer<AgentCatalog['NackRequest']>;
export type IAMRoleCredentialsAckRequest = Infer<AgentCatalog['IAMRoleCredentialsAckRequest']>;
export type HeartbeatAckRequest = Infer<AgentCatalog['HeartbeatAckRequest']>;
export type TaskStopVerificationMessage = Infer<AgentCatalog['TaskStopVerificationMessage']>;
export type PollRequest = Infer<AgentCatalog['PollRequest']>;

/** Frames the backend sends to the agent. */
export type AcsServerFrame = FrameOf<ServerCatalog>;
/** Frames the agent sends to the backend. */
export type AcsAgentFrame = FrameOf<AgentCatalog>;

/** For the agent: decode a frame received from ACS. */
export function parseAcsServerFrame(text: string): ParseResult<AcsServerFrame> {
  return parseFrame(text, acsServerCatalog, ACS_ERROR_TYPES);
}

/** For the backend: decode a frame received from the agent. */
export function parseAcsAgentFrame(text: string): ParseResult<AcsAgentFrame> {
  return parseFrame(text, acsAgentCatalog, ACS_ERROR_TYPES);
}

export function encodeAcsFrame(frame: AcsServerFrame | AcsAgentFrame): string {
  return encodeFrame(frame);
}
