// Variables the agent adds to every container's environment, replacing same-named ones of the task definition.
import type { Container } from './container';

/** The task metadata endpoint address containers reach (served by the agent on 127.0.0.1:51679 behind it). */
export const TASK_METADATA_ADDRESS = 'http://169.254.170.2';
export const METADATA_URI_V3_ENV = 'ECS_CONTAINER_METADATA_URI';
export const METADATA_URI_V4_ENV = 'ECS_CONTAINER_METADATA_URI_V4';
export const CREDENTIALS_URI_ENV = 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI';

export function credentialsRelativeUri(credentialsId: string): string {
  return `/v2/credentials/${credentialsId}`;
}

/** The metadata endpoint URIs, and the task-role credentials URI when the task has a role; they replace same-named task-definition variables. */
export function withAgentEnvironment(container: Container, credentialsId: string | undefined): Container {
  const environment: Record<string, string> = {
    ...container.environment,
    [METADATA_URI_V3_ENV]: `${TASK_METADATA_ADDRESS}/v3/${container.v3EndpointId}`,
    [METADATA_URI_V4_ENV]: `${TASK_METADATA_ADDRESS}/v4/${container.v3EndpointId}`,
  };
  if (credentialsId) environment[CREDENTIALS_URI_ENV] = credentialsRelativeUri(credentialsId);
  return { ...container, environment };
}
