import type { Logger } from '@fractal-ecs/common';
import type { TaskCredentialsStore } from '../credentials/task-credentials-store';
import type { TaskEngine } from '../engine';
import type { AgentUpdater } from '../updater';
import type { AcsAgentFrame } from '../wire';

/** What survives reconnects: upstream keeps both in the agent (the first in its database). */
export interface AcsProgress {
  /** Highest payload seqNum / manifest timeline seen; older manifests are ignored. */
  latestSeqNum: number;
  /** The manifest the last TaskStopVerificationMessage answered; only its ack stops tasks. */
  lastManifestMessageId: string | undefined;
}

/** Everything an ACS message handler reads or calls. */
export interface AcsContext {
  readonly logger: Logger;
  readonly engine: TaskEngine;
  readonly credentials: TaskCredentialsStore;
  readonly progress: AcsProgress;
  /** StageUpdate/PerformUpdate; one per agent process, so a staged update survives reconnects. */
  readonly updater: AgentUpdater;
  /** Sends a frame on the current session; a failure is logged by the caller. */
  send(frame: AcsAgentFrame): Promise<void>;
}
