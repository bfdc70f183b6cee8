// The checkpoint in ECS_DATADIR: one atomically replaced JSON file, saves coalesced.
export { StateFile, CorruptStateFileError, STATE_FILE_NAME, STATE_FILE_VERSION } from './state-file';
export { StateManager, noStateSaver, type StateSaver } from './state-manager';
export { AgentCheckpoint, type CheckpointInstance, type EngineCheckpoint } from './agent-checkpoint';
