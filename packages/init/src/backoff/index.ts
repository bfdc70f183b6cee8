export { AGENT_RESTART_BACKOFF, DOCKER_PING_BACKOFF } from './backoff';
export { ExponentialBackoff, type BackoffOptions } from '@fractal-ecs/common';
