export { ExponentialBackoff, AGENT_RESTART_BACKOFF, DOCKER_PING_BACKOFF, type BackoffOptions } from './backoff';
