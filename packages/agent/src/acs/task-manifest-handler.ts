import type { AcsTaskIdentifier, TaskManifestMessage, TaskStopVerificationAck } from '../wire';
import type { AcsContext } from './acs-context';

/**
 * TaskManifestMessage: the tasks ACS believes this instance runs. A manifest newer than everything seen
 * is acked; local tasks meant to run that it does not list as RUNNING become stop candidates, which
 * ACS must confirm (TaskStopVerificationAck) before they are stopped.
 */
export async function handleTaskManifest(message: TaskManifestMessage, context: AcsContext): Promise<void> {
  const { logger, engine, progress } = context;
  const timeline = message.timeline ?? 0;
  if (timeline <= progress.latestSeqNum) {
    logger.info({ messageId: message.messageId, timeline, latestSeqNum: progress.latestSeqNum }, 'Stale ACS task manifest ignored');
    return;
  }
  progress.latestSeqNum = timeline;
  await context.send({
    type: 'AckRequest',
    message: { messageId: message.messageId, ...(message.clusterArn ? { cluster: message.clusterArn } : {}), ...(message.containerInstanceArn ? { containerInstance: message.containerInstanceArn } : {}) },
  });
  const running = new Set((message.tasks ?? []).filter((task) => task.desiredStatus === 'RUNNING').map((task) => task.taskArn));
  const stopCandidates: AcsTaskIdentifier[] = engine
    .listTasks()
    .filter((task) => task.desiredStatus === 'RUNNING' && !running.has(task.arn))
    .map((task) => ({ taskArn: task.arn, ...(message.clusterArn ? { taskClusterArn: message.clusterArn } : {}), desiredStatus: 'STOPPED' }));
  if (stopCandidates.length === 0) return;
  progress.lastManifestMessageId = message.messageId;
  await context.send({ type: 'TaskStopVerificationMessage', message: { messageId: message.messageId, stopCandidates } });
  logger.info({ messageId: message.messageId, stopCandidates: stopCandidates.map((task) => task.taskArn) }, 'Asked ACS to confirm stopping tasks missing from its manifest');
}

/** TaskStopVerificationAck: stops the confirmed tasks, if it answers the latest verification. */
export async function handleStopVerificationAck(message: TaskStopVerificationAck, context: AcsContext): Promise<void> {
  const { logger, engine, progress } = context;
  if (message.messageId !== progress.lastManifestMessageId) {
    logger.warn({ messageId: message.messageId, expected: progress.lastManifestMessageId }, 'Task stop verification ack for another manifest ignored');
    return;
  }
  for (const task of message.stopTasks ?? []) {
    if (!task.taskArn || !engine.hasTask(task.taskArn)) continue;
    await engine.stopTask(task.taskArn);
    logger.info({ messageId: message.messageId, taskArn: task.taskArn }, 'Task stopped on ACS confirmation');
  }
}
