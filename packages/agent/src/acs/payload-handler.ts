import type { RoleType } from '../credentials/task-credentials-store';
import type { AcsTask, IAMRoleCredentialsAckRequest, PayloadMessage } from '../wire';
import type { AcsContext } from './acs-context';

/**
 * PayloadMessage: every task goes to the engine, STOPPED ones first (so replacements start after the
 * stops they wait for), with their role credentials stored first. Only when every task was accepted
 * are the credentials acked and then the payload; otherwise nothing is acked and ACS delivers it again.
 * Its seqNum raises the task-manifest sequence number whatever happens to its tasks (as upstream), and
 * is on disk before the ack.
 */
export async function handlePayload(message: PayloadMessage, context: AcsContext): Promise<void> {
  const { logger, engine, credentials, manifestSequence } = context;
  if (!message.messageId) {
    logger.warn('ACS payload without a messageId dropped (it cannot be acknowledged)');
    return;
  }
  // Raised before the tasks are added: the checkpoint the engine writes for a new task then carries it.
  if (message.seqNum !== undefined) manifestSequence.raise(message.seqNum);
  const tasks = message.tasks ?? [];
  const ordered = [...tasks.filter(isStopped), ...tasks.filter((task) => !isStopped(task))];
  const credentialAcks: IAMRoleCredentialsAckRequest[] = [];
  let accepted = 0;
  for (const task of ordered) {
    try {
      if (!task.arn) throw new Error('tasks[].arn: expected a task ARN, got nothing');
      for (const [roleType, roleCredentials] of roleCredentialsOf(task)) {
        const stored = credentials.put(task.arn, roleType, roleCredentials);
        credentialAcks.push({ messageId: message.messageId, credentialsId: stored.credentialsId, ...(stored.expiration ? { expiration: stored.expiration } : {}) });
      }
      await engine.addTask(task, { messageId: message.messageId, ...(message.seqNum === undefined ? {} : { seqNum: message.seqNum }) });
      accepted++;
      logger.info({ messageId: message.messageId, taskArn: task.arn, desiredStatus: task.desiredStatus }, 'Task accepted from ACS payload');
    } catch (error) {
      logger.error({ messageId: message.messageId, taskArn: task.arn, err: (error as Error).message }, 'Task from ACS payload refused');
    }
  }
  try {
    await manifestSequence.persist();
  } catch (error) {
    logger.error({ messageId: message.messageId, seqNum: message.seqNum, err: (error as Error).message }, 'ACS payload not acknowledged: cannot save its sequence number');
    return;
  }
  if (accepted < ordered.length) {
    logger.warn({ messageId: message.messageId, accepted, tasks: ordered.length }, 'ACS payload not acknowledged: not every task was accepted');
    return;
  }
  for (const ack of credentialAcks) await context.send({ type: 'IAMRoleCredentialsAckRequest', message: ack });
  await context.send({
    type: 'AckRequest',
    message: { messageId: message.messageId, ...(message.clusterArn ? { cluster: message.clusterArn } : {}), ...(message.containerInstanceArn ? { containerInstance: message.containerInstanceArn } : {}) },
  });
  logger.info({ messageId: message.messageId, tasks: ordered.length }, 'ACS payload acknowledged');
}

function isStopped(task: AcsTask): boolean {
  return task.desiredStatus === 'STOPPED';
}

function roleCredentialsOf(task: AcsTask): [RoleType, NonNullable<AcsTask['roleCredentials']>][] {
  const out: [RoleType, NonNullable<AcsTask['roleCredentials']>][] = [];
  if (task.roleCredentials) out.push(['TaskApplication', task.roleCredentials]);
  if (task.executionRoleCredentials) out.push(['TaskExecution', task.executionRoleCredentials]);
  return out;
}
