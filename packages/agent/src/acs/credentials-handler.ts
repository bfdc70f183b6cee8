import type { RoleType } from '../credentials/task-credentials-store';
import type { IAMRoleCredentialsMessage } from '../wire';
import type { AcsContext } from './acs-context';

const ROLE_TYPES: readonly string[] = ['TaskApplication', 'TaskExecution'];

/**
 * IAMRoleCredentialsMessage (refreshed task role credentials): stored for a task the engine knows, then
 * acked with the credentials ID and expiration. An unknown task is an error and gets no ack; an unknown
 * role type is logged but still acked, as upstream does.
 */
export async function handleRoleCredentials(message: IAMRoleCredentialsMessage, context: AcsContext): Promise<void> {
  const { logger, engine, credentials } = context;
  const credentialsId = message.roleCredentials.credentialsId;
  if (!message.messageId || !message.taskArn || !credentialsId) {
    logger.error(
      { messageId: message.messageId, taskArn: message.taskArn, credentialsId },
      'ACS credentials message dropped: messageId, taskArn and roleCredentials.credentialsId are all required',
    );
    return;
  }
  if (!engine.hasTask(message.taskArn)) {
    logger.error({ messageId: message.messageId, taskArn: message.taskArn }, 'ACS credentials message for a task the engine does not know; not acknowledged');
    return;
  }
  if (message.roleType && ROLE_TYPES.includes(message.roleType)) {
    credentials.put(message.taskArn, message.roleType as RoleType, message.roleCredentials);
  } else {
    logger.warn({ messageId: message.messageId, roleType: message.roleType }, 'ACS credentials message with an unknown role type; acknowledged without storing');
  }
  const expiration = message.roleCredentials.expiration;
  await context.send({
    type: 'IAMRoleCredentialsAckRequest',
    message: { messageId: message.messageId, credentialsId, ...(expiration ? { expiration } : {}) },
  });
  logger.info({ messageId: message.messageId, taskArn: message.taskArn, credentialsId }, 'Task role credentials stored and acknowledged');
}
