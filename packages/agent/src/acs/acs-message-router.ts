import type { SessionControl, SessionEnd } from '../wsclient';
import { parseAcsServerFrame, type AcsServerFrame } from '../wire';
import type { AcsContext } from './acs-context';
import { handleRoleCredentials } from './credentials-handler';
import { handlePayload } from './payload-handler';
import { SerialQueue } from './serial-queue';
import { handleStopVerificationAck, handleTaskManifest } from './task-manifest-handler';
import { handleUpdate } from './update-handler';

/**
 * Decodes each ACS frame, logs it (type and messageId, never its body: payloads carry credentials),
 * and hands it to its handler. Handlers of one kind run in order; different kinds do not wait for each
 * other. Malformed and unknown frames are logged and dropped.
 */
export class AcsMessageRouter {
  readonly #payloads: SerialQueue;
  readonly #credentials: SerialQueue;
  readonly #manifests: SerialQueue;
  readonly #replies: SerialQueue;
  readonly #updates: SerialQueue;

  constructor(
    private readonly context: AcsContext,
    /** How long to stay away after InactiveInstanceException (upstream: one hour). */
    private readonly inactiveInstanceWaitMs: number,
  ) {
    const onError = (error: unknown) => context.logger.warn({ err: (error as Error).message }, 'ACS message handling failed');
    this.#payloads = new SerialQueue(onError);
    this.#credentials = new SerialQueue(onError);
    this.#manifests = new SerialQueue(onError);
    this.#replies = new SerialQueue(onError);
    // A download can take minutes: heartbeat acks must not wait behind it.
    this.#updates = new SerialQueue(onError);
  }

  handle(text: string, control: SessionControl): void {
    control.keepAlive();
    const parsed = parseAcsServerFrame(text);
    const { logger } = this.context;
    if (parsed.kind === 'invalid') {
      logger.warn({ err: parsed.error.message }, 'Malformed ACS message dropped');
      return;
    }
    if (parsed.kind === 'unknown') {
      logger.warn({ type: parsed.type }, 'No handler for ACS message type; dropped');
      return;
    }
    const frame = parsed.frame;
    logger.info({ type: frame.type, ...describe(frame) }, 'Received ACS message');
    this.dispatch(frame, control);
  }

  private dispatch(frame: AcsServerFrame, control: SessionControl): void {
    const { context } = this;
    switch (frame.type) {
      case 'PayloadMessage':
        void this.#payloads.push(() => handlePayload(frame.message, context));
        return;
      case 'HeartbeatMessage': {
        const messageId = frame.message.messageId;
        if (messageId) void this.#replies.push(() => context.send({ type: 'HeartbeatAckRequest', message: { messageId } }));
        return;
      }
      case 'IAMRoleCredentialsMessage':
        void this.#credentials.push(() => handleRoleCredentials(frame.message, context));
        return;
      case 'TaskManifestMessage':
        void this.#manifests.push(() => handleTaskManifest(frame.message, context));
        return;
      case 'TaskStopVerificationAck':
        void this.#manifests.push(() => handleStopVerificationAck(frame.message, context));
        return;
      case 'StageUpdateMessage':
      case 'PerformUpdateMessage': {
        const { type, message } = frame;
        void this.#updates.push(() => handleUpdate(type, message, context));
        return;
      }
      case 'AttachTaskNetworkInterfacesMessage':
      case 'AttachInstanceNetworkInterfacesMessage':
        // Task networking (awsvpc) is not advertised, so ACS has no reason to send these; no ack.
        context.logger.warn({ type: frame.type, messageId: frame.message.messageId }, 'ENI attachment ignored: task networking is not enabled');
        return;
      case 'CloseMessage':
        context.logger.info({ message: frame.message.message }, 'ACS sent a close message');
        return;
      case 'ErrorMessage':
        context.logger.warn({ message: frame.message.message }, 'ACS sent an error message');
        return;
      case 'InactiveInstanceException':
        control.end(inactiveInstance(frame.message.message, this.inactiveInstanceWaitMs));
        return;
      default:
        context.logger.error({ type: frame.type, message: frame.message.message }, 'ACS reported an error');
    }
  }
}

/** The deregistered-instance answer: stay away for the long wait, and tell telemetry to stop. */
export function inactiveInstance(text: string | undefined, waitMs: number): SessionEnd {
  return { kind: 'pause', ms: waitMs, error: new InactiveInstanceError(text ?? '') };
}

export class InactiveInstanceError extends Error {
  override readonly name = 'InactiveInstanceException';
  constructor(detail: string) {
    super(`InactiveInstanceException: ${detail}`);
  }
}

/** Log fields identifying a message without its content. */
function describe(frame: AcsServerFrame): Record<string, unknown> {
  const message = frame.message as { messageId?: string; seqNum?: number; tasks?: unknown[]; taskArn?: string };
  const fields: Record<string, unknown> = {};
  if (message.messageId !== undefined) fields.messageId = message.messageId;
  if (frame.type === 'PayloadMessage') {
    fields.seqNum = message.seqNum;
    fields.tasks = message.tasks?.length ?? 0;
  }
  if (frame.type === 'IAMRoleCredentialsMessage') fields.taskArn = message.taskArn;
  return fields;
}
