import type { AcsTaskIdentifier, TaskManifestMessage, TaskStopVerificationAck } from '../wire';
import type { AcsContext } from './acs-context';

/**
 * TaskManifestMessage: the tasks ACS believes this instance runs. One whose timeline is not above the
 * latest sequence number is stale: discarded without an ack, as upstream does. A newer one raises the
 * sequence number, which is on disk before the ack (a failed write: no ack, ACS sends manifests again).
 * Local tasks meant to run that it does not list as RUNNING become stop candidates, which ACS must
 * confirm (TaskStopVerificationAck) before they are stopped.
 */
export async function handleTaskManifest(message: TaskManifestMessage, context: AcsContext): Promise<void> {
  const { logger, engine, progress, manifestSequence } = context;
  const timeline = message.timeline ?? 0;
  const latest = manifestSequence.latest();
  if (timeline <= latest) {
    logger.warn({ messageId: message.messageId, timeline, latestSeqNum: latest }, 'Stale ACS task manifest discarded: its timeline is not above the latest sequence number');
    return;
  }
  progress.lastManifestMessageId = message.messageId;
  manifestSequence.raise(timeline);
  try {
    await manifestSequence.persist();
  } catch (error) {
    logger.error({ messageId: message.messageId, timeline, err: (error as Error).message }, 'ACS task manifest not acknowledged: cannot save its sequence number');
    return;
  }
  const running = new Set((message.tasks ?? []).filter((task) => task.desiredStatus === 'RUNNING').map((task) => task.taskArn));
  const stopCandidates: AcsTaskIdentifier[] = engine
    .listTasks()
    .filter((task) => task.desiredStatus === 'RUNNING' && !running.has(task.arn))
    .map((task) => ({ taskArn: task.arn, ...(message.clusterArn ? { taskClusterArn: message.clusterArn } : {}), desiredStatus: 'STOPPED' }));
  await context.send({
    type: 'AckRequest',
    message: { messageId: message.messageId, ...(message.clusterArn ? { cluster: message.clusterArn } : {}), ...(message.containerInstanceArn ? { containerInstance: message.containerInstanceArn } : {}) },
  });
  if (stopCandidates.length === 0) return;
  await context.send({ type: 'TaskStopVerificationMessage', message: { messageId: message.messageId, stopCandidates } });
  logger.info({ messageId: message.messageId, stopCandidates: stopCandidates.map((task) => task.taskArn) }, 'Asked ACS to confirm stopping tasks missing from its manifest');
}

/** TaskStopVerificationAck: stops the confirmed tasks, if it answers the latest manifest (once). */
export async function handleStopVerificationAck(message: TaskStopVerificationAck, context: AcsContext): Promise<void> {
  const { logger, engine, progress } = context;
  if (!message.messageId || message.messageId !== progress.lastManifestMessageId) {
    logger.warn({ messageId: message.messageId, expected: progress.lastManifestMessageId }, 'Task stop verification ack for another manifest ignored');
    return;
  }
  progress.lastManifestMessageId = undefined;
  for (const task of message.stopTasks ?? []) {
    if (!task.taskArn || !engine.hasTask(task.taskArn)) continue;
    await engine.stopTask(task.taskArn);
    logger.info({ messageId: message.messageId, taskArn: task.taskArn }, 'Task stopped on ACS confirmation');
  }
}
