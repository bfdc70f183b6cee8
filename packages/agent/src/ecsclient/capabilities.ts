import type { AgentConfig } from '../config';
import type { Attribute } from '../wire';

/**
 * Every capability attribute this agent advertises, in one place. A capability tells the scheduler
 * what tasks it may place here, so one is listed only once the agent truly implements it; the task
 * engine, Docker version probing, task IAM roles, logging drivers, health checks and the rest join
 * this list in the issues that implement them (upstream's full list: reference §1.6).
 */
interface Capability {
  readonly name: string;
  readonly value?: string;
  readonly when?: (config: AgentConfig) => boolean;
}

const CAPABILITIES: readonly Capability[] = [
  // Task manifests are acked and stop candidates verified (acs/task-manifest-handler).
  { name: 'ecs.capability.full-sync' },
];

/** Always sent after the capabilities (not a capability itself). */
const OS_TYPE: Attribute = { name: 'ecs.os-type', value: 'linux' };

export function capabilityAttributes(config: AgentConfig): Attribute[] {
  return CAPABILITIES.filter((capability) => capability.when?.(config) ?? true).map(({ name, value }) => (value === undefined ? { name } : { name, value }));
}

/**
 * Registration attributes in upstream's order: ECS_INSTANCE_ATTRIBUTES (first registration only),
 * capabilities (then those found on the host, such as the GPU driver version), then ecs.os-type.
 */
export function registrationAttributes(config: AgentConfig, firstRegistration: boolean, hostCapabilities: readonly Attribute[] = []): Attribute[] {
  const custom = firstRegistration ? Object.entries(config.cluster.instanceAttributes).map(([name, value]) => ({ name, value })) : [];
  return [...custom, ...capabilityAttributes(config), ...hostCapabilities, OS_TYPE];
}
