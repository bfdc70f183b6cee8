// Task definition + RunTask overrides -> the Task shape ACS sends in a PayloadMessage.
import type {
  AcsContainer,
  AcsIAMRoleCredentials,
  AcsSecret,
  AcsTask,
  AcsVolume,
  ContainerDefinition,
  ContainerOverride,
  EcsJson,
  TaskDefinition,
  TaskOverride,
  Volume,
} from '@fractal-ecs/agent/wire';
import { renderDockerConfig } from './docker-config';

/** Credentials the control plane hands to every task role, from its configuration. */
export interface RoleCredentialsSource {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Opaque to the agent; passed through to the task's credentials endpoint. */
  expiration: string;
}

export interface RenderTaskInput {
  taskArn: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  definition: EcsJson<TaskDefinition>;
  overrides?: EcsJson<TaskOverride>;
  accountId: string;
  region: string;
  /** Present when the task has a role and the control plane has credentials to give. */
  roleCredentials?: { application?: RoleGrant; execution?: RoleGrant };
  /** GPU IDs placement gave each container, by container name. */
  gpus?: Record<string, readonly string[]>;
  /** Registry hosts served as ECR registries besides *.dkr.ecr.*.amazonaws.com: host -> registry ID (account). */
  ecrRegistries?: Record<string, string>;
}

export interface RoleGrant {
  credentialsId: string;
  roleArn: string;
  source: RoleCredentialsSource;
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//;

export function renderAcsTask(input: RenderTaskInput): AcsTask {
  const { definition, overrides } = input;
  const networkMode = definition.networkMode ?? 'bridge';
  const containerOverrides = new Map((overrides?.containerOverrides ?? []).map((override) => [override.name, override]));
  const task: AcsTask = {
    arn: input.taskArn,
    family: definition.family,
    version: String(definition.revision),
    desiredStatus: input.desiredStatus,
    overrides: JSON.stringify(overrides ?? {}),
    taskDefinitionAccountId: input.accountId,
    launchType: 'EC2',
    containers: (definition.containerDefinitions ?? []).map((container) =>
      renderContainer(container, containerOverrides.get(container.name), networkMode, input),
    ),
    volumes: (definition.volumes ?? []).map(renderVolume),
  };
  const cpu = taskCpuUnits(overrides?.cpu ?? definition.cpu);
  if (cpu !== undefined) task.cpu = cpu / 1024;
  const memory = taskMemoryMiB(overrides?.memory ?? definition.memory);
  if (memory !== undefined) task.memory = memory;
  // One association per GPU, naming the container it belongs to; the agent turns these into the
  // container's NVIDIA_VISIBLE_DEVICES and runtime.
  const gpuAssociations = Object.entries(input.gpus ?? {}).flatMap(([container, ids]) =>
    ids.map((id) => ({ name: id, type: 'gpu', containers: [container], content: { encoding: 'base64', value: '' } })),
  );
  if (gpuAssociations.length > 0) task.associations = gpuAssociations;
  if (definition.pidMode) task.pidMode = definition.pidMode;
  if (definition.ipcMode) task.ipcMode = definition.ipcMode;
  if (definition.proxyConfiguration) {
    task.proxyConfiguration = {
      type: definition.proxyConfiguration.type ?? 'APPMESH',
      containerName: definition.proxyConfiguration.containerName,
      properties: Object.fromEntries((definition.proxyConfiguration.properties ?? []).map((p) => [p.name ?? '', p.value ?? ''])),
    };
  }
  const grants = input.roleCredentials;
  if (grants?.application) task.roleCredentials = credentials(grants.application);
  if (grants?.execution) task.executionRoleCredentials = credentials(grants.execution);
  return task;
}

function credentials(grant: RoleGrant): AcsIAMRoleCredentials {
  return {
    credentialsId: grant.credentialsId,
    roleArn: grant.roleArn,
    accessKeyId: grant.source.accessKeyId,
    secretAccessKey: grant.source.secretAccessKey,
    sessionToken: grant.source.sessionToken ?? '',
    expiration: grant.source.expiration,
  };
}

function renderContainer(
  definition: EcsJson<ContainerDefinition>,
  override: EcsJson<ContainerOverride> | undefined,
  networkMode: string,
  input: RenderTaskInput,
): AcsContainer {
  const memory = override?.memory ?? definition.memory;
  const memoryReservation = override?.memoryReservation ?? definition.memoryReservation;
  const environment = Object.fromEntries(
    [...(definition.environment ?? []), ...(override?.environment ?? [])].map((pair) => [pair.name ?? '', pair.value ?? '']),
  );
  const docker = renderDockerConfig(definition, networkMode, { memory, memoryReservation });
  const container: AcsContainer = {
    name: definition.name,
    image: definition.image,
    cpu: override?.cpu ?? definition.cpu ?? 0,
    essential: definition.essential ?? true,
    environment,
    portMappings: (definition.portMappings ?? []).map((mapping) => ({
      containerPort: mapping.containerPort,
      // Bridge mode picks a dynamic port when none is given; host and awsvpc use the container's.
      hostPort: mapping.hostPort ?? (networkMode === 'bridge' ? 0 : mapping.containerPort),
      protocol: mapping.protocol ?? 'tcp',
    })),
    mountPoints: (definition.mountPoints ?? []).map((mount) => ({
      sourceVolume: mount.sourceVolume,
      containerPath: mount.containerPath,
      readOnly: mount.readOnly ?? false,
    })),
    volumesFrom: (definition.volumesFrom ?? []).map((from) => ({ sourceContainer: from.sourceContainer, readOnly: from.readOnly ?? false })),
    links: definition.links ?? [],
    overrides: JSON.stringify(override?.command ? { command: override.command } : {}),
    dockerConfig: { config: JSON.stringify(docker.config), hostConfig: JSON.stringify(docker.hostConfig) },
  };
  if (memory !== undefined) container.memory = memory;
  if (definition.command) container.command = definition.command;
  if (definition.entryPoint) container.entryPoint = definition.entryPoint;
  if (definition.healthCheck?.command) container.healthCheckType = 'docker';
  if (definition.dependsOn) container.dependsOn = definition.dependsOn.map((d) => ({ containerName: d.containerName, condition: d.condition }));
  if (definition.startTimeout !== undefined) container.startTimeout = definition.startTimeout;
  if (definition.stopTimeout !== undefined) container.stopTimeout = definition.stopTimeout;
  const environmentFiles = override?.environmentFiles ?? definition.environmentFiles;
  if (environmentFiles) container.environmentFiles = environmentFiles.map((file) => ({ value: file.value, type: file.type }));
  const secrets = [
    ...(definition.secrets ?? []).map((secret) => renderSecret(secret.name, secret.valueFrom, 'CONTAINER', input.region)),
    ...(definition.logConfiguration?.secretOptions ?? []).map((secret) => renderSecret(secret.name, secret.valueFrom, 'LOG_DRIVER', input.region)),
  ];
  if (secrets.length > 0) container.secrets = secrets;
  if (definition.firelensConfiguration) {
    container.firelensConfiguration = { type: definition.firelensConfiguration.type, options: definition.firelensConfiguration.options ?? {} };
  }
  if (definition.logConfiguration?.logDriver === 'awslogs' && input.definition.executionRoleArn) container.logsAuthStrategy = 'ExecutionRole';
  const emulatedRegistry = input.ecrRegistries?.[(definition.image ?? '').split('/')[0] ?? ''];
  const ecr = emulatedRegistry ? [definition.image, emulatedRegistry, input.region] : ECR_IMAGE.exec(definition.image ?? '');
  if (definition.repositoryCredentials?.credentialsParameter) {
    container.registryAuthentication = {
      type: 'asm',
      asmAuthData: { credentialsParameter: definition.repositoryCredentials.credentialsParameter, region: input.region },
    };
  } else if (ecr) {
    container.registryAuthentication = {
      type: 'ecr',
      ecrAuthData: { registryId: ecr[1], region: ecr[2], useExecutionRole: Boolean(input.overrides?.executionRoleArn ?? input.definition.executionRoleArn) },
    };
  }
  return container;
}

function renderSecret(name: string | undefined, valueFrom: string | undefined, target: 'CONTAINER' | 'LOG_DRIVER', defaultRegion: string): AcsSecret {
  const arnRegion = /^arn:[^:]+:(ssm|secretsmanager):([^:]+):/.exec(valueFrom ?? '');
  return {
    name,
    valueFrom,
    type: 'ENVIRONMENT_VARIABLE',
    provider: valueFrom?.includes(':secretsmanager:') ? 'asm' : 'ssm',
    target,
    region: arnRegion?.[2] ?? defaultRegion,
  };
}

function renderVolume(volume: EcsJson<Volume>): AcsVolume {
  if (volume.dockerVolumeConfiguration) {
    const docker = volume.dockerVolumeConfiguration;
    return {
      name: volume.name,
      type: 'docker',
      dockerVolumeConfiguration: {
        scope: docker.scope ?? 'task',
        autoprovision: docker.autoprovision ?? false,
        driver: docker.driver ?? 'local',
        driverOpts: docker.driverOpts ?? {},
        labels: docker.labels ?? {},
      },
    };
  }
  if (volume.efsVolumeConfiguration) {
    const efs = volume.efsVolumeConfiguration;
    return {
      name: volume.name,
      type: 'efs',
      efsVolumeConfiguration: {
        fileSystemId: efs.fileSystemId,
        rootDirectory: efs.rootDirectory ?? '/',
        transitEncryption: efs.transitEncryption ?? 'DISABLED',
        ...(efs.transitEncryptionPort !== undefined ? { transitEncryptionPort: efs.transitEncryptionPort } : {}),
        ...(efs.authorizationConfig ? { authorizationConfig: { accessPointId: efs.authorizationConfig.accessPointId, iam: efs.authorizationConfig.iam ?? 'DISABLED' } } : {}),
      },
    };
  }
  if (volume.fsxWindowsFileServerVolumeConfiguration) {
    const fsx = volume.fsxWindowsFileServerVolumeConfiguration;
    return {
      name: volume.name,
      type: 'fsxWindowsFileServer',
      fsxWindowsFileServerVolumeConfiguration: {
        fileSystemId: fsx.fileSystemId,
        rootDirectory: fsx.rootDirectory,
        authorizationConfig: { credentialsParameter: fsx.authorizationConfig?.credentialsParameter, domain: fsx.authorizationConfig?.domain },
      },
    };
  }
  // No sourcePath: the agent creates a docker local volume for the task.
  return { name: volume.name, type: 'host', host: volume.host?.sourcePath ? { sourcePath: volume.host.sourcePath } : {} };
}

/** Task-level CPU: "256" CPU units or "0.25 vCPU"/"1 vcpu". */
export function taskCpuUnits(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const vcpu = /^\s*(\d+(?:\.\d+)?)\s*vcpu\s*$/i.exec(value);
  if (vcpu) return Math.round(Number(vcpu[1]) * 1024);
  return /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
}

/** Task-level memory: "512" MiB or "1 GB"/"2GB". */
export function taskMemoryMiB(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const gb = /^\s*(\d+(?:\.\d+)?)\s*gb\s*$/i.exec(value);
  if (gb) return Math.round(Number(gb[1]) * 1024);
  return /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
}
