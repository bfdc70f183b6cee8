export type { DockerClient, AgentContainerSpec, AgentHostConfig, StopOutcome } from './client';
export { connectDocker, DockerodeClient, type ConnectOptions } from './dockerode-client';
export { pingWithRetry, isRetryablePingError } from './ping';
export { readLoadResponse } from './load-response';
export { demuxLogs } from './log-frames';
