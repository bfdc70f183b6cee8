// The ECS JSON API as the agent uses it: registration (resources, capabilities, attributes, tags),
// default cluster creation and DiscoverPollEndpoint with its cache.
export { sdkEcsApi, type EcsApi } from './ecs-api';
export { createEcsClient, withScheme, type EcsClientOptions } from './sdk-client';
export { PollEndpointResolver, POLL_ENDPOINT_CACHE_TTL_MS, type PollEndpoints } from './poll-endpoints';
export { capabilityAttributes, registrationAttributes, supportedDockerApiVersions, PROBED_DOCKER_API_VERSIONS, type DockerApiSupport } from './capabilities';
export { instanceResources, type HostCapacity } from './instance-resources';
export { registerContainerInstance, RegistrationError, type Registration, type RegistrationRequest } from './register-instance';
