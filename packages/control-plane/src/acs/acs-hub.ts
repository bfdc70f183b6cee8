// The ACS side: one websocket session per connected container instance. Task changes become
// PayloadMessages with a messageId and a per-instance seqNum; each stays pending (and saved) until
// the agent acks it, and is resent after the redelivery timeout and whenever the agent reconnects.
// Sessions also carry heartbeats, periodic task manifests, stop verification and task credentials.
import type { Logger } from '@fractal-ecs/common';
import {
  ACS_CONNECTION_EXPIRED,
  encodeAcsFrame,
  parseAcsAgentFrame,
  type AcsServerFrame,
  type AcsTask,
  type AcsTaskIdentifier,
  type TaskStopVerificationMessage,
} from '@fractal-ecs/agent/wire';
import type { WebSocket } from 'ws';
import type { TaskDispatcher } from '../api/context';
import type { AcsRecord, PendingDelivery, StateData, TaskRecord } from '../state/model';

export interface AcsTimings {
  heartbeatIntervalMs: number;
  redeliveryTimeoutMs: number;
  manifestIntervalMs: number;
  /** With protocolVersion 2 the session is closed after this many unanswered heartbeats. */
  missedHeartbeatsBeforeClose: number;
}

export interface AcsHubOptions extends AcsTimings {
  state: StateData;
  /** Called when an agent's session starts (after the pending payloads went out). */
  onSessionStart?(info: AcsSessionInfo): void;
  now(): Date;
  newId(): string;
  save(): Promise<void>;
  logger: Logger;
  renderTask(task: TaskRecord): AcsTask;
  /** IAMRoleCredentialsMessage bodies for a task's roles (empty when it has none). */
  credentialsFrames(task: TaskRecord): AcsServerFrame[];
}

export interface AcsSessionInfo {
  clusterArn: string;
  containerInstanceArn: string;
  sendCredentials: boolean;
  protocolVersion: number;
}

/** The agent's answer to a message sent with `request`. */
export type AcsReply = { acked: true } | { acked: false; reason: string };

/** What the hub observed, for tests and the debug route. */
export interface AcsActivity {
  acks: string[];
  heartbeatAcks: number;
  credentialsAcks: string[];
  nacks: { messageId: string; reason?: string }[];
  rejectedFrames: string[];
  /** Every PayloadMessage sent (epoch ms), resends included. */
  payloadSends: { messageId: string; taskArn: string; at: number }[];
}

class AcsSession {
  readonly unansweredHeartbeats = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    readonly socket: WebSocket,
    readonly info: AcsSessionInfo,
  ) {}

  every(ms: number, action: () => void): void {
    const timer = setInterval(action, ms);
    timer.unref();
    this.timers.push(timer);
  }

  send(text: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }

  stopTimers(): void {
    this.timers.forEach(clearInterval);
  }
}

export class AcsHub implements TaskDispatcher {
  private readonly sessions = new Map<string, AcsSession>();
  readonly activity = new Map<string, AcsActivity>();
  /** Messages sent with `request`, by messageId, waiting for their AckRequest or NackRequest. */
  private readonly replyWaiters = new Map<string, { arn: string; settle: (reply: AcsReply | Error) => void }>();

  constructor(private readonly options: AcsHubOptions) {}

  attach(socket: WebSocket, info: AcsSessionInfo): void {
    const arn = info.containerInstanceArn;
    this.sessions.get(arn)?.socket.close(1000, ACS_CONNECTION_EXPIRED);
    const session = new AcsSession(socket, info);
    this.sessions.set(arn, session);
    this.setConnected(arn, true);
    socket.on('message', (data, isBinary) => this.receive(session, isBinary ? '' : data.toString()));
    socket.on('close', () => {
      session.stopTimers();
      if (this.sessions.get(arn) === session) {
        this.sessions.delete(arn);
        this.setConnected(arn, false);
        for (const [messageId, waiter] of this.replyWaiters) {
          if (waiter.arn === arn) waiter.settle(new Error(`the agent of ${arn} disconnected before answering ${messageId}`));
        }
      }
    });
    socket.on('error', (error) => this.options.logger.warn({ containerInstance: arn, err: error.message }, 'ACS socket error'));

    const { heartbeatIntervalMs, redeliveryTimeoutMs, manifestIntervalMs } = this.options;
    session.every(heartbeatIntervalMs, () => this.heartbeat(session));
    session.every(Math.max(10, Math.floor(redeliveryTimeoutMs / 2)), () => this.redeliver(session, false));
    session.every(manifestIntervalMs, () => this.sendManifest(session));
    this.redeliver(session, true);
    if (info.sendCredentials) {
      // A fresh agent process has no credentials: resend them for every task it was given.
      for (const task of this.tasksOn(arn)) {
        if (task.task.desiredStatus !== 'STOPPED' && !this.isPending(arn, task.task.taskArn)) this.sendCredentials(session, task);
      }
    }
    this.options.onSessionStart?.(info);
  }

  dispatchTask(task: TaskRecord): void {
    const arn = task.task.containerInstanceArn;
    const record = this.acsRecord(arn);
    const messageId = this.options.newId();
    record.seqNum += 1;
    const frame: AcsServerFrame = {
      type: 'PayloadMessage',
      message: {
        messageId,
        clusterArn: task.task.clusterArn,
        containerInstanceArn: arn,
        generatedAt: this.nowSeconds(),
        seqNum: record.seqNum,
        tasks: [this.options.renderTask(task)],
      },
    };
    // The newest payload for a task carries its whole current state; older ones are obsolete.
    record.pending = record.pending.filter((pending) => pending.taskArn !== task.task.taskArn);
    const pending = { messageId, taskArn: task.task.taskArn, frame: encodeAcsFrame(frame), sentAt: 0, attempts: 0 };
    record.pending.push(pending);
    // Only the new payload: the others are resent by their own timeout, not once per new task.
    const session = this.sessions.get(arn);
    if (session) this.sendPayload(session, pending, this.options.now().getTime());
  }

  taskStopped(task: TaskRecord): void {
    const record = this.options.state.acs[task.task.containerInstanceArn];
    if (record) record.pending = record.pending.filter((pending) => pending.taskArn !== task.task.taskArn);
  }

  disconnectInstance(containerInstanceArn: string, reason: string): void {
    this.sessions.get(containerInstanceArn)?.socket.close(1000, reason.slice(0, 120));
  }

  /**
   * Sends a message with a messageId to a connected agent and resolves its ack or nack. Rejects when
   * the instance has no session, when the session ends first, or after `timeoutMs`.
   */
  request(containerInstanceArn: string, frame: AcsServerFrame & { message: { messageId: string } }, timeoutMs: number): Promise<AcsReply> {
    const session = this.sessions.get(containerInstanceArn);
    if (!session) return Promise.reject(new Error(`no agent is connected for ${containerInstanceArn}`));
    const { messageId } = frame.message;
    return new Promise<AcsReply>((resolve, reject) => {
      const timer = setTimeout(() => settle(new Error(`no answer to ${frame.type} ${messageId} within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      const settle = (reply: AcsReply | Error) => {
        clearTimeout(timer);
        this.replyWaiters.delete(messageId);
        if (reply instanceof Error) reject(reply);
        else resolve(reply);
      };
      this.replyWaiters.set(messageId, { arn: containerInstanceArn, settle });
      session.send(encodeAcsFrame(frame));
    });
  }

  /** Sends text as it is (tests send malformed frames over the real connection). False when not connected. */
  sendRaw(containerInstanceArn: string, text: string): boolean {
    const session = this.sessions.get(containerInstanceArn);
    session?.send(text);
    return session !== undefined;
  }

  isConnected(containerInstanceArn: string): boolean {
    return this.sessions.has(containerInstanceArn);
  }

  closeAll(): void {
    for (const session of this.sessions.values()) {
      session.stopTimers();
      session.socket.close(1001, 'control plane stopping');
    }
    this.sessions.clear();
    for (const waiter of this.replyWaiters.values()) waiter.settle(new Error('the control plane is stopping'));
  }

  private receive(session: AcsSession, text: string): void {
    const arn = session.info.containerInstanceArn;
    const activity = this.activityOf(arn);
    const parsed = parseAcsAgentFrame(text);
    if (parsed.kind !== 'message') {
      const problem = parsed.kind === 'invalid' ? parsed.error.message : `unknown message type ${parsed.type}`;
      activity.rejectedFrames.push(problem);
      this.options.logger.warn({ containerInstance: arn, problem }, 'ACS frame from the agent ignored');
      return;
    }
    const { frame } = parsed;
    switch (frame.type) {
      case 'AckRequest':
        activity.acks.push(frame.message.messageId);
        this.replyWaiters.get(frame.message.messageId)?.settle({ acked: true });
        this.acknowledge(session, frame.message.messageId);
        return;
      case 'HeartbeatAckRequest':
        activity.heartbeatAcks += 1;
        session.unansweredHeartbeats.delete(frame.message.messageId);
        return;
      case 'IAMRoleCredentialsAckRequest':
        activity.credentialsAcks.push(frame.message.credentialsId ?? '');
        return;
      case 'NackRequest':
        activity.nacks.push({ messageId: frame.message.messageId, reason: frame.message.reason });
        this.replyWaiters.get(frame.message.messageId)?.settle({ acked: false, reason: frame.message.reason ?? '' });
        return;
      case 'TaskStopVerificationMessage':
        this.verifyStops(session, frame.message);
        return;
      case 'PollRequest':
        return;
    }
  }

  private acknowledge(session: AcsSession, messageId: string): void {
    const record = this.options.state.acs[session.info.containerInstanceArn];
    const index = record?.pending.findIndex((pending) => pending.messageId === messageId) ?? -1;
    if (!record || index < 0) return;
    const [delivered] = record.pending.splice(index, 1);
    this.persist();
    const task = this.options.state.tasks[delivered!.taskArn];
    if (task && task.task.desiredStatus !== 'STOPPED') this.sendCredentials(session, task);
  }

  /** The agent lists tasks it runs that the manifest did not; confirm those we want stopped. */
  private verifyStops(session: AcsSession, message: TaskStopVerificationMessage): void {
    const stopTasks: AcsTaskIdentifier[] = (message.stopCandidates ?? [])
      .filter((candidate) => {
        const task = candidate.taskArn ? this.options.state.tasks[candidate.taskArn] : undefined;
        return !task || task.task.desiredStatus === 'STOPPED';
      })
      .map((candidate) => ({ ...candidate, desiredStatus: 'STOPPED' }));
    session.send(
      encodeAcsFrame({ type: 'TaskStopVerificationAck', message: { messageId: message.messageId, generatedAt: this.nowSeconds(), stopTasks } }),
    );
  }

  private heartbeat(session: AcsSession): void {
    if (session.info.protocolVersion >= 2 && session.unansweredHeartbeats.size >= this.options.missedHeartbeatsBeforeClose) {
      this.options.logger.warn({ containerInstance: session.info.containerInstanceArn }, 'ACS heartbeats unanswered; closing the session');
      session.socket.close(1000, ACS_CONNECTION_EXPIRED);
      return;
    }
    const messageId = this.options.newId();
    session.unansweredHeartbeats.add(messageId);
    session.send(encodeAcsFrame({ type: 'HeartbeatMessage', message: { healthy: true, messageId } }));
  }

  /** Sends pending payloads: all of them (`all`) or those unacked past the timeout. */
  private redeliver(session: AcsSession, all: boolean): void {
    const record = this.options.state.acs[session.info.containerInstanceArn];
    if (!record) return;
    const now = this.options.now().getTime();
    let sent = false;
    for (const pending of record.pending) {
      if (!all && pending.sentAt + this.options.redeliveryTimeoutMs > now) continue;
      this.sendPayload(session, pending, now);
      sent = true;
    }
    if (sent) this.persist();
  }

  private sendPayload(session: AcsSession, pending: PendingDelivery, now: number): void {
    session.send(pending.frame);
    pending.sentAt = now;
    pending.attempts += 1;
    this.activityOf(session.info.containerInstanceArn).payloadSends.push({ messageId: pending.messageId, taskArn: pending.taskArn, at: now });
  }

  private sendManifest(session: AcsSession): void {
    const arn = session.info.containerInstanceArn;
    const record = this.acsRecord(arn);
    record.seqNum += 1;
    const messageId = this.options.newId();
    record.lastManifestId = messageId;
    const tasks = this.tasksOn(arn)
      .filter((task) => task.task.lastStatus !== 'STOPPED')
      .map((task) => ({ taskArn: task.task.taskArn, taskClusterArn: task.task.clusterArn, desiredStatus: task.task.desiredStatus }));
    session.send(
      encodeAcsFrame({
        type: 'TaskManifestMessage',
        message: {
          messageId,
          clusterArn: session.info.clusterArn,
          containerInstanceArn: arn,
          generatedAt: this.nowSeconds(),
          timeline: record.seqNum,
          tasks,
        },
      }),
    );
    this.persist();
  }

  private sendCredentials(session: AcsSession, task: TaskRecord): void {
    for (const frame of this.options.credentialsFrames(task)) session.send(encodeAcsFrame(frame));
  }

  private tasksOn(arn: string): TaskRecord[] {
    return Object.values(this.options.state.tasks).filter((task) => task.task.containerInstanceArn === arn);
  }

  private isPending(arn: string, taskArn: string): boolean {
    return this.options.state.acs[arn]?.pending.some((pending) => pending.taskArn === taskArn) ?? false;
  }

  private acsRecord(arn: string): AcsRecord {
    return (this.options.state.acs[arn] ??= { seqNum: 0, pending: [] });
  }

  private activityOf(arn: string): AcsActivity {
    let activity = this.activity.get(arn);
    if (!activity) {
      activity = { acks: [], heartbeatAcks: 0, credentialsAcks: [], nacks: [], rejectedFrames: [], payloadSends: [] };
      this.activity.set(arn, activity);
    }
    return activity;
  }

  private setConnected(arn: string, connected: boolean): void {
    const record = this.options.state.containerInstances[arn];
    if (record) record.instance.agentConnected = connected;
    this.persist();
  }

  private persist(): void {
    this.options.save().catch((error: Error) => this.options.logger.error({ err: error.message }, 'saving state failed'));
  }

  private nowSeconds(): number {
    return this.options.now().getTime() / 1000;
  }
}
