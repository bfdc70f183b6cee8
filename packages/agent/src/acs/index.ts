// ACS, the Agent Communication Service session: tasks, credentials, manifests and heartbeats in;
// acks out.
export { AcsClient, AcsUnretriableError, type AcsClientOptions } from './acs-client';
export { DEFAULT_ACS_TIMINGS, type AcsTimings } from './acs-timings';
export { buildAcsUrl, ACS_PROTOCOL_VERSION, type AcsUrlParameters } from './acs-url';
export { AcsMessageRouter, InactiveInstanceError } from './acs-message-router';
export { memoryManifestSequence, type AcsContext, type AcsProgress, type ManifestSequence } from './acs-context';
