// The task server (127.0.0.1:51679): task-role credentials, task metadata v2/v3/v4 and stats, rate
// limited per caller, with the credentials audit log.
export { startTaskServer, taskServerHandler, type RunningTaskServer, type TaskServerOptions } from './task-server';
export { answerTaskRequest, cleanPath, type ResourceTags, type TaskAnswer, type TaskRequest, type TaskServerSources } from './task-server-routes';
export { taskStateFromTasks, type StatsReader, type TaskContainer, type TaskStateReader } from './task-state-reader';
export { credentialsAnswer, type CredentialsAnswer, type CredentialsSource } from './credentials-response';
export { containerResponse, taskResponse, type MetadataVersion, type TaskResponseContext } from './metadata-responses';
export { auditLine, auditEventType, createAuditLog, type AuditEventType, type AuditLog, type AuditLogOptions, type AuditRequest } from './audit-log';
export { RateLimiter, type RateLimitSettings } from './rate-limiter';
export { goTime } from './go-time';
export { ecsResourceTags, runTaskEndpoints, serveTaskServer, type TaskEndpoints } from './serve-task-server';
export { removeStoppedTaskCredentials, CREDENTIALS_SWEEP_INTERVAL_MS } from './credentials-sweep';
