import type { Logger } from '@fractal-ecs/common';
import type { TaskCredentialsStore } from '../credentials/task-credentials-store';
import type { TaskEngine } from '../engine';
import type { AgentUpdater } from '../updater';
import type { AcsAgentFrame } from '../wire';

/** What survives reconnects in memory. */
export interface AcsProgress {
  /** The last manifest processed; only a TaskStopVerificationAck with its messageId stops tasks, once. */
  lastManifestMessageId: string | undefined;
}

/**
 * Upstream's latestSeqNumberTaskManifest: the highest payload seqNum or processed manifest timeline.
 * A manifest whose timeline is not above it is stale. It survives restarts in the agent checkpoint.
 */
export interface ManifestSequence {
  /** 0 when nothing was seen. */
  latest(): number;
  /** Raises it (never lowers it); the next checkpoint write carries it. */
  raise(seqNum: number): void;
  /** Resolves once the current value is durable. */
  persist(): Promise<void>;
}

/** A sequence kept in memory only (ECS_CHECKPOINT off, tests). */
export function memoryManifestSequence(initial = 0): ManifestSequence {
  let latest = initial;
  return {
    latest: () => latest,
    raise: (seqNum) => {
      if (seqNum > latest) latest = seqNum;
    },
    persist: async () => undefined,
  };
}

/** Everything an ACS message handler reads or calls. */
export interface AcsContext {
  readonly logger: Logger;
  readonly engine: TaskEngine;
  readonly credentials: TaskCredentialsStore;
  readonly progress: AcsProgress;
  readonly manifestSequence: ManifestSequence;
  /** StageUpdate/PerformUpdate; one per agent process, so a staged update survives reconnects. */
  readonly updater: AgentUpdater;
  /** Sends a frame on the current session; a failure is logged by the caller. */
  send(frame: AcsAgentFrame): Promise<void>;
}
