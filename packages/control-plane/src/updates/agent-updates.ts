// Agent self-update from the local control plane: the image tarball is served over the control
// plane's own port (as upstream's ACS points at an S3 URL), then StageUpdateMessage and, once the agent
// acked it, PerformUpdateMessage go out on its ACS session. The agent exits 42 after acking the
// second; ecs-init loads the image and restarts it.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '@fractal-ecs/common';
import type { AcsServerFrame } from '@fractal-ecs/agent/wire';
import type { AcsReply } from '../acs/acs-hub';

export const AGENT_UPDATES_PATH = '/agent-updates/';
/** How long the agent may take to download and verify before StageUpdate counts as unanswered. */
export const DEFAULT_STAGE_TIMEOUT_MS = 15 * 60_000;

export interface UpdateOutcome {
  /** The URL the agent was given (updateInfo.location) and the digest (updateInfo.signature). */
  location: string;
  signature: string;
  stage: AcsReply;
  /** Absent when StageUpdate was nacked: PerformUpdate is not sent then. */
  perform?: AcsReply;
}

export interface AgentUpdatesOptions {
  /** Sends a message on an instance's ACS session and resolves its ack or nack. */
  request(containerInstanceArn: string, frame: AcsServerFrame & { message: { messageId: string } }, timeoutMs: number): Promise<AcsReply>;
  /** Base URL the agent reaches this control plane at, e.g. http://127.0.0.1:51680. */
  baseUrl(): string;
  logger: Logger;
}

export class AgentUpdates {
  /** Tarballs being offered, by the random token in their URL. */
  private readonly served = new Map<string, string>();

  constructor(private readonly options: AgentUpdatesOptions) {}

  /** Answers GET /agent-updates/<token>/<name>; false for any other request. */
  serve(request: IncomingMessage, response: ServerResponse): boolean {
    const pathname = new URL(request.url ?? '/', 'http://local').pathname;
    if (request.method !== 'GET' || !pathname.startsWith(AGENT_UPDATES_PATH)) return false;
    const token = pathname.slice(AGENT_UPDATES_PATH.length).split('/')[0] ?? '';
    const file = this.served.get(token);
    if (!file) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: `no agent update at ${pathname}` }));
      return true;
    }
    stat(file)
      .then(async ({ size }) => {
        response.writeHead(200, { 'content-type': 'application/x-tar', 'content-length': size });
        await pipeline(createReadStream(file), response);
      })
      .catch((error: Error) => {
        this.options.logger.error({ err: error.message, file }, 'serving an agent update failed');
        if (!response.headersSent) response.writeHead(500);
        response.destroy();
      });
    return true;
  }

  /** Offers the image tarball to one connected agent: StageUpdate, then PerformUpdate if staged. */
  async offer(target: { clusterArn: string; containerInstanceArn: string }, tarball: string, stageTimeoutMs = DEFAULT_STAGE_TIMEOUT_MS): Promise<UpdateOutcome> {
    const signature = await sha256File(tarball).catch((error: Error) => {
      throw new Error(`agent update tarball ${tarball}: ${error.message}`);
    });
    const token = randomUUID();
    const location = `${this.options.baseUrl().replace(/\/+$/, '')}${AGENT_UPDATES_PATH}${token}/${encodeURIComponent(path.basename(tarball))}`;
    this.served.set(token, tarball);
    const message = (messageId: string) => ({ messageId, clusterArn: target.clusterArn, containerInstanceArn: target.containerInstanceArn, updateInfo: { location, signature } });
    const { logger } = this.options;
    try {
      logger.info({ containerInstance: target.containerInstanceArn, location, signature }, 'offering an agent update');
      const stage = await this.options.request(target.containerInstanceArn, { type: 'StageUpdateMessage', message: message(randomUUID()) }, stageTimeoutMs);
      if (!stage.acked) {
        logger.warn({ containerInstance: target.containerInstanceArn, reason: stage.reason }, 'the agent refused to stage the update');
        return { location, signature, stage };
      }
      const perform = await this.options.request(target.containerInstanceArn, { type: 'PerformUpdateMessage', message: message(randomUUID()) }, 60_000);
      logger.info({ containerInstance: target.containerInstanceArn, acked: perform.acked }, 'agent update performed');
      return { location, signature, stage, perform };
    } finally {
      this.served.delete(token);
    }
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
