import type { BackoffOptions } from '@fractal-ecs/common';

/** Agent restarts: 0.5 s doubling to 15 s, 10% jitter; never reset for the life of `start`. */
export const AGENT_RESTART_BACKOFF: BackoffOptions = { min: 500, max: 15_000, jitter: 0.1, multiple: 2 };

/** Waiting for the Docker daemon: 1, 2, 3, 3, 3 s (+20% jitter), five retries. */
export const DOCKER_PING_BACKOFF: BackoffOptions = { min: 1000, max: 3000, jitter: 0.2, multiple: 2, maxRetries: 5 };
