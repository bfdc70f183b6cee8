import { randomUUID } from 'node:crypto';
import { ExponentialBackoff, type Clock, type Logger } from '@fractal-ecs/common';
import type { PollEndpoints } from '../ecsclient/poll-endpoints';
import { epochSeconds, parseTcsServerFrame, type TcsAgentFrame } from '../wire';
import {
  heartbeatDeadlineMs,
  runReconnectLoop,
  serveConnection,
  type RequestSigner,
  type SessionAttempt,
  type SessionControl,
  type SessionEnd,
  type WsConnection,
  type WsConnector,
} from '../wsclient';
import { buildHealthRequests, buildMetricsRequests, type TelemetryInstance } from './publish-requests';
import { signTcsFrame } from './signed-frame';
import type { TcsTimings } from './tcs-timings';
import { buildTcsUrl } from './tcs-url';
import type { TelemetrySource } from './telemetry-source';

export interface TcsClientOptions {
  readonly clock: Clock;
  readonly random: () => number;
  readonly newMessageId?: () => string;
  readonly logger: Logger;
  readonly timings: TcsTimings;
  readonly endpoints: { get(): Promise<PollEndpoints> };
  readonly signer: RequestSigner;
  readonly connector: WsConnector;
  readonly instance: TelemetryInstance;
  readonly agent: { readonly version: string; readonly hash: string };
  readonly dockerVersion: () => Promise<string | undefined>;
  readonly source: TelemetrySource;
  /** ECS_DISABLE_METRICS: only health is published. */
  readonly metricsDisabled: boolean;
}

/**
 * The telemetry session: publishes metrics and health every interval (health also at connect), each
 * frame signed on its own, and reconnects with TCS's backoff. Only heartbeats and publish acks count as
 * signs of life.
 */
export class TcsClient {
  constructor(private readonly options: TcsClientOptions) {}

  run(signal: AbortSignal): Promise<SessionEnd> {
    const { clock, random, logger, timings } = this.options;
    return runReconnectLoop({
      name: 'TCS',
      clock,
      logger,
      signal,
      backoff: new ExponentialBackoff({ ...timings.backoff, random }),
      stableAfterMs: () => this.inactivityTimeoutMs(),
      attempt: () => this.attempt(signal),
    });
  }

  private inactivityTimeoutMs(): number {
    return heartbeatDeadlineMs(this.options.timings, this.options.random);
  }

  private async attempt(signal: AbortSignal): Promise<SessionAttempt> {
    const { logger, instance, agent } = this.options;
    let connection: WsConnection;
    let url: URL;
    try {
      const endpoints = await this.options.endpoints.get();
      url = buildTcsUrl(endpoints.telemetry, {
        cluster: instance.cluster,
        containerInstanceArn: instance.containerInstanceArn,
        agentVersion: agent.version,
        agentHash: agent.hash,
        dockerVersion: await this.options.dockerVersion().catch(() => undefined),
      });
      const headers = await this.options.signer.signGet(url);
      logger.info({ endpoint: `${url.origin}${url.pathname}` }, 'Connecting to TCS');
      connection = await this.options.connector.connect(url, headers);
    } catch (error) {
      return { end: { kind: 'failed', error: error as Error } };
    }
    const connectedAt = this.options.clock.now();
    logger.info('Connected to TCS');
    const session = new AbortController();
    const stopSession = () => session.abort();
    signal.addEventListener('abort', stopSession, { once: true });
    const publish = (frame: TcsAgentFrame) => signTcsFrame(this.options.signer, url, frame).then((text) => connection.send(text));
    const publishers = this.startPublishers(publish, session.signal);
    const end = await serveConnection(connection, {
      clock: this.options.clock,
      signal,
      inactivityTimeoutMs: () => this.inactivityTimeoutMs(),
      onMessage: (text, control) => this.handle(text, control),
    });
    session.abort();
    signal.removeEventListener('abort', stopSession);
    await publishers;
    return { end, connectedAt };
  }

  private handle(text: string, control: SessionControl): void {
    const { logger } = this.options;
    const parsed = parseTcsServerFrame(text);
    if (parsed.kind === 'invalid') return logger.warn({ err: parsed.error.message }, 'Malformed TCS message dropped');
    if (parsed.kind === 'unknown') return logger.warn({ type: parsed.type }, 'No handler for TCS message type; dropped');
    const { type, message } = parsed.frame;
    switch (type) {
      case 'HeartbeatMessage':
      case 'AckPublishMetric':
      case 'AckPublishHealth':
        logger.debug({ type }, 'Received TCS message');
        control.keepAlive();
        return;
      case 'StopTelemetrySessionMessage':
        logger.info({ type, message: message.message }, 'TCS asked to end the telemetry session');
        control.end({ kind: 'closed', code: 1000, reason: message.message ?? '' });
        return;
      default:
        logger.error({ type, message: message.message }, 'TCS reported an error');
    }
  }

  /** Health at once and every interval; metrics every interval unless disabled. Ends with the session. */
  private async startPublishers(publish: (frame: TcsAgentFrame) => Promise<void>, signal: AbortSignal): Promise<void> {
    const publishHealth = () => this.publishHealth(publish);
    await publishHealth();
    const loops = [this.every(signal, publishHealth)];
    if (!this.options.metricsDisabled) loops.push(this.every(signal, () => this.publishMetrics(publish)));
    await Promise.all(loops);
  }

  private async every(signal: AbortSignal, job: () => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      await this.options.clock.sleep(this.options.timings.publishIntervalMs, signal);
      if (signal.aborted) return;
      await job();
    }
  }

  private async publishMetrics(publish: (frame: TcsAgentFrame) => Promise<void>): Promise<void> {
    const { logger, source, instance } = this.options;
    try {
      const tasks = await source.taskMetrics();
      if (tasks === undefined) return logger.debug('No task has enough metric samples yet; nothing published');
      const requests = buildMetricsRequests(instance, this.messageId(), tasks, epochSeconds(this.options.clock.now()));
      for (const message of requests) await publish({ type: 'PublishMetricsRequest', message });
      logger.debug({ messages: requests.length, tasks: tasks.length }, 'Published task metrics');
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'Publishing task metrics failed');
    }
  }

  private async publishHealth(publish: (frame: TcsAgentFrame) => Promise<void>): Promise<void> {
    const { logger, source, instance } = this.options;
    try {
      const tasks = await source.taskHealth();
      const requests = buildHealthRequests(instance, this.messageId(), tasks, epochSeconds(this.options.clock.now()));
      for (const message of requests) await publish({ type: 'PublishHealthRequest', message });
      if (requests.length > 0) logger.debug({ messages: requests.length, tasks: tasks.length }, 'Published task health');
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'Publishing task health failed');
    }
  }

  private messageId(): string {
    return (this.options.newMessageId ?? randomUUID)();
  }
}
