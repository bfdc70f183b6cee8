import type { Logger } from '@fractal-ecs/common';
import { DEFAULT_CLUSTER_NAME } from '../config';
import type { Attribute, PlatformDevice, RegisterContainerInstanceRequest, Resource, Tag, VersionInfo } from '../wire';
import type { EcsApi } from './ecs-api';

export interface RegistrationRequest {
  readonly cluster: string;
  /** Set when re-registering a saved instance: resources and attributes are updated in place. */
  readonly containerInstanceArn: string | undefined;
  readonly resources: Resource[];
  readonly attributes: Attribute[];
  readonly tags: Tag[];
  /** GPUs (ECS_ENABLE_GPU_SUPPORT); omitted from the request when empty. */
  readonly platformDevices?: PlatformDevice[];
  readonly versionInfo: VersionInfo;
  /** Empty strings off EC2, as upstream sends them. */
  readonly identityDocument: string;
  readonly identitySignature: string;
}

export interface Registration {
  readonly containerInstanceArn: string;
  readonly availabilityZone: string | undefined;
}

/** Why registration failed, and whether restarting the agent can help (exit 1) or not (exit 5). */
export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  constructor(
    message: string,
    readonly terminal: boolean,
  ) {
    super(message);
  }
}

const AVAILABILITY_ZONE_ATTRIBUTE = 'ecs.availability-zone';

/**
 * RegisterContainerInstance as upstream calls it: into `default`, created on ClusterNotFound; every
 * requested attribute must come back unchanged. InvalidParameterException and attribute mismatches are
 * terminal; every other failure (network, throttling, refused signatures) is retried by restarting.
 */
export async function registerContainerInstance(api: EcsApi, request: RegistrationRequest, logger: Logger): Promise<Registration> {
  const input: RegisterContainerInstanceRequest = {
    cluster: request.cluster,
    ...(request.containerInstanceArn ? { containerInstanceArn: request.containerInstanceArn } : {}),
    instanceIdentityDocument: request.identityDocument,
    instanceIdentityDocumentSignature: request.identitySignature,
    totalResources: request.resources,
    attributes: request.attributes,
    ...(request.tags.length > 0 ? { tags: request.tags } : {}),
    ...(request.platformDevices?.length ? { platformDevices: request.platformDevices } : {}),
    versionInfo: request.versionInfo,
  };
  // Upstream's private model also sends a fresh clientToken; the public API (and the SDK) has no such field.
  const send = () => api.registerContainerInstance(input);
  let answer;
  try {
    answer = await send();
  } catch (error) {
    if (errorName(error) !== 'ClusterNotFoundException' || request.cluster !== DEFAULT_CLUSTER_NAME) throw classify(error);
    logger.info({ cluster: DEFAULT_CLUSTER_NAME }, 'Default cluster not found; creating it');
    try {
      await api.createCluster({ clusterName: DEFAULT_CLUSTER_NAME });
      answer = await send();
    } catch (retryError) {
      throw classify(retryError);
    }
  }
  const instance = answer.containerInstance;
  if (!instance?.containerInstanceArn) {
    throw new RegistrationError('RegisterContainerInstance: containerInstance.containerInstanceArn: expected an ARN, got nothing', false);
  }
  const returned = new Map((instance.attributes ?? []).map((attribute) => [attribute.name, attribute.value]));
  const mismatched = request.attributes.filter((attribute) => !returned.has(attribute.name) || (returned.get(attribute.name) ?? undefined) !== (attribute.value ?? undefined));
  if (mismatched.length > 0) {
    const names = mismatched.map((attribute) => attribute.name).join(', ');
    throw new RegistrationError(`RegisterContainerInstance: attributes not accepted as sent: ${names}`, true);
  }
  return { containerInstanceArn: instance.containerInstanceArn, availabilityZone: returned.get(AVAILABILITY_ZONE_ATTRIBUTE) ?? undefined };
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function classify(error: unknown): RegistrationError {
  const name = errorName(error) ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new RegistrationError(`RegisterContainerInstance failed: ${name}: ${message}`, name === 'InvalidParameterException');
}
