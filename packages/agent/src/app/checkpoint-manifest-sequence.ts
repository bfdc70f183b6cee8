import type { ManifestSequence } from '../acs';
import type { AgentCheckpoint } from '../statemanager';

/**
 * The task-manifest sequence number kept in the agent checkpoint (`latestSeqNumberTaskManifest` in
 * ecs_agent_data.json): restored at start, written with every checkpoint. With ECS_CHECKPOINT off it
 * lives only as long as the process.
 */
export function checkpointManifestSequence(checkpoint: AgentCheckpoint): ManifestSequence {
  return {
    latest: () => checkpoint.latestSeqNumberTaskManifest ?? 0,
    raise(seqNum) {
      if (seqNum > (checkpoint.latestSeqNumberTaskManifest ?? 0)) checkpoint.latestSeqNumberTaskManifest = seqNum;
    },
    persist: () => checkpoint.saveSeqNumber(),
  };
}
