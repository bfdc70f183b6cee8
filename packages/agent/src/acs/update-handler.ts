import type { PerformUpdateMessage, StageUpdateMessage } from '../wire';
import type { AcsContext } from './acs-context';

export const UPDATES_DISABLED_REASON = 'Updates are disabled';
/** This agent does not download or apply updates yet, even with ECS_UPDATES_ENABLED. */
export const UPDATES_UNSUPPORTED_REASON = 'Updates are not supported by this agent';

/** StageUpdateMessage / PerformUpdateMessage: answered with a NackRequest and its reason. */
export async function handleUpdate(type: 'StageUpdateMessage' | 'PerformUpdateMessage', message: StageUpdateMessage | PerformUpdateMessage, context: AcsContext): Promise<void> {
  const reason = context.updatesEnabled ? UPDATES_UNSUPPORTED_REASON : UPDATES_DISABLED_REASON;
  await context.send({
    type: 'NackRequest',
    message: {
      messageId: message.messageId,
      reason,
      ...(message.clusterArn ? { cluster: message.clusterArn } : {}),
      ...(message.containerInstanceArn ? { containerInstance: message.containerInstanceArn } : {}),
    },
  });
  context.logger.info({ messageId: message.messageId, type, reason }, 'ACS update request refused');
}
