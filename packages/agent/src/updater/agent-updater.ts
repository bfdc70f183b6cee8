import type { Logger } from '@fractal-ecs/common';
import type { AcsAgentFrame, PerformUpdateMessage, StageUpdateMessage } from '../wire';
import { downloadUpdate, type Fetch } from './download-update';

// Nack reasons, as upstream words them.
export const UPDATES_DISABLED_REASON = 'Updates are disabled';
export const NOT_DOWNLOADED_REASON = 'Cannot perform update; update not downloaded';

/** Ours: a stalled download must not hold the update lane forever. */
export const DEFAULT_UPDATE_DOWNLOAD_TIMEOUT_MS = 15 * 60_000;

export interface AgentUpdaterOptions {
  /** ECS_UPDATES_ENABLED. */
  readonly enabled: boolean;
  /** ECS_UPDATE_DOWNLOAD_DIR (ecs-init sets /var/cache/ecs and binds it). */
  readonly downloadDir: string | undefined;
  readonly logger: Logger;
  readonly fetch?: Fetch;
  readonly downloadTimeoutMs?: number;
}

/** Sends one frame on the current ACS session. */
export type Reply = (frame: AcsAgentFrame) => Promise<void>;

type Stage = { kind: 'none' } | { kind: 'downloaded'; signature: string; messageId: string };

/**
 * Upstream's updater (agent/acs/updater): StageUpdate downloads and verifies the new image tarball
 * and writes `desired-image`; PerformUpdate, once staged, is acked and then `performed` aborts, on
 * which the agent saves its state and exits 42 for ecs-init to load the image. The stage survives
 * ACS reconnects; messages are handled one at a time.
 */
export class AgentUpdater {
  #stage: Stage = { kind: 'none' };
  readonly #performed = new AbortController();

  constructor(private readonly options: AgentUpdaterOptions) {}

  /** Aborted after a PerformUpdate was acked: the agent should save and exit 42. */
  get performed(): AbortSignal {
    return this.#performed.signal;
  }

  async stage(message: StageUpdateMessage, reply: Reply): Promise<void> {
    const { logger } = this.options;
    const nack = (reason: string) => this.nack(message, reason, reply, 'StageUpdate');
    if (!this.options.enabled) return nack(UPDATES_DISABLED_REASON);
    const location = message.updateInfo?.location;
    const signature = message.updateInfo?.signature;
    if (!location) return nack('Invalid update: updateInfo.location is missing');
    if (!signature) return nack('Invalid update: updateInfo.signature is missing');
    if (!this.options.downloadDir) return nack('Unable to download: ECS_UPDATE_DOWNLOAD_DIR is not set');

    const staged = this.#stage;
    if (staged.kind === 'downloaded') {
      if (staged.signature === signature) {
        // The same update again (ACS redelivers): it is already on disk.
        logger.info({ messageId: message.messageId }, 'Update already staged; acking the duplicate StageUpdate');
        return this.ack(message, reply);
      }
      this.#stage = { kind: 'none' };
      await this.nack({ ...message, messageId: staged.messageId }, `New update arrived: ${message.messageId}`, reply, 'StageUpdate');
    }

    logger.info({ messageId: message.messageId, location: redactQuery(location) }, 'Staging agent update');
    try {
      const tarball = await downloadUpdate(
        { location, signature, downloadDir: this.options.downloadDir, signal: AbortSignal.timeout(this.options.downloadTimeoutMs ?? DEFAULT_UPDATE_DOWNLOAD_TIMEOUT_MS) },
        this.options.fetch,
      );
      logger.info({ messageId: message.messageId, tarball }, 'Agent update downloaded and verified; desired-image written');
    } catch (error) {
      return nack(`Unable to download: ${(error as Error).message}`);
    }
    this.#stage = { kind: 'downloaded', signature, messageId: message.messageId };
    await this.ack(message, reply);
  }

  async perform(message: PerformUpdateMessage, reply: Reply): Promise<void> {
    if (!this.options.enabled) return this.nack(message, UPDATES_DISABLED_REASON, reply, 'PerformUpdate');
    if (this.#stage.kind !== 'downloaded') return this.nack(message, NOT_DOWNLOADED_REASON, reply, 'PerformUpdate');
    await this.ack(message, reply);
    this.options.logger.info({ messageId: message.messageId }, 'Performing agent update: exiting with the update exit code');
    this.#performed.abort(new Error('agent update performed'));
  }

  private ack(message: StageUpdateMessage, reply: Reply): Promise<void> {
    return reply({ type: 'AckRequest', message: { messageId: message.messageId, ...instanceFields(message) } });
  }

  private async nack(message: StageUpdateMessage, reason: string, reply: Reply, kind: string): Promise<void> {
    this.options.logger.error({ messageId: message.messageId, reason }, `Nacking ${kind}`);
    await reply({ type: 'NackRequest', message: { messageId: message.messageId, reason, ...instanceFields(message) } });
  }
}

function instanceFields(message: StageUpdateMessage): { cluster?: string; containerInstance?: string } {
  return {
    ...(message.clusterArn ? { cluster: message.clusterArn } : {}),
    ...(message.containerInstanceArn ? { containerInstance: message.containerInstanceArn } : {}),
  };
}

/** A presigned URL's query carries a signature: log the location without it. */
function redactQuery(location: string): string {
  const queryAt = location.indexOf('?');
  return queryAt < 0 ? location : `${location.slice(0, queryAt)}?…`;
}
