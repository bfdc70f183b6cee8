export { DiskAgentImageCache, type AgentImageCache } from './agent-cache';
export { CacheStatus, parseCacheState } from './state';
