import { ExponentialBackoff, type Clock, type Logger } from '@fractal-ecs/common';
import type { TaskCredentialsStore } from '../credentials/task-credentials-store';
import type { PollEndpoints } from '../ecsclient/poll-endpoints';
import type { TaskEngine } from '../engine';
import type { AgentUpdater } from '../updater';
import { ACS_ERROR_TYPES, ACS_UNRETRIABLE_ERRORS, encodeAcsFrame, readErrorMap, type AcsErrorType } from '../wire';
import {
  heartbeatDeadlineMs,
  HandshakeError,
  runReconnectLoop,
  serveConnection,
  type RequestSigner,
  type SessionAttempt,
  type SessionEnd,
  type WsConnection,
  type WsConnector,
} from '../wsclient';
import { memoryManifestSequence, type AcsContext, type AcsProgress, type ManifestSequence } from './acs-context';
import { AcsMessageRouter, inactiveInstance } from './acs-message-router';
import type { AcsTimings } from './acs-timings';
import { buildAcsUrl } from './acs-url';

export interface AcsClientOptions {
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  readonly timings: AcsTimings;
  readonly endpoints: { get(): Promise<PollEndpoints> };
  readonly signer: RequestSigner;
  readonly connector: WsConnector;
  readonly engine: TaskEngine;
  readonly credentials: TaskCredentialsStore;
  readonly instance: { readonly cluster: string; readonly containerInstanceArn: string };
  readonly agent: { readonly version: string; readonly hash: string };
  /** Docker server version for the URL; undefined leaves the parameter out. */
  readonly dockerVersion: () => Promise<string | undefined>;
  readonly updater: AgentUpdater;
  /** Default: in memory only. The agent passes the checkpoint's. */
  readonly manifestSequence?: ManifestSequence;
  /** Called on InactiveInstanceException: the instance was deregistered (telemetry stops). */
  readonly onInactiveInstance?: () => void;
}

/** An ACS error that reconnecting will not fix. */
export class AcsUnretriableError extends Error {
  constructor(
    readonly errorType: AcsErrorType,
    detail: string,
  ) {
    super(`${errorType}: ${detail}`);
    this.name = errorType;
  }
}

/**
 * The ACS session, kept up until the agent stops: discover the endpoint, connect with a signed
 * handshake, serve messages, and reconnect (at once after a clean close, after the backoff otherwise,
 * after an hour when the instance is inactive). Resolves `terminal` for an unretriable ACS error.
 */
export class AcsClient {
  readonly #progress: AcsProgress = { lastManifestMessageId: undefined };
  readonly #manifestSequence: ManifestSequence;
  #connectedOnce = false;

  constructor(private readonly options: AcsClientOptions) {
    this.#manifestSequence = options.manifestSequence ?? memoryManifestSequence();
  }

  run(signal: AbortSignal): Promise<SessionEnd> {
    const { clock, random, logger, timings } = this.options;
    return runReconnectLoop({
      name: 'ACS',
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
    const { logger, instance, agent, timings } = this.options;
    let connection: WsConnection;
    try {
      const endpoints = await this.options.endpoints.get();
      const url = buildAcsUrl(endpoints.acs, {
        cluster: instance.cluster,
        containerInstanceArn: instance.containerInstanceArn,
        agentVersion: agent.version,
        agentHash: agent.hash,
        dockerVersion: await this.options.dockerVersion().catch(() => undefined),
        sendCredentials: !this.#connectedOnce,
      });
      const headers = await this.options.signer.signGet(url);
      logger.info({ endpoint: `${url.origin}${url.pathname}`, sendCredentials: !this.#connectedOnce }, 'Connecting to ACS');
      connection = await this.options.connector.connect(url, headers);
    } catch (error) {
      return { end: this.classifyConnectError(error as Error) };
    }
    const connectedAt = this.options.clock.now();
    this.#connectedOnce = true;
    logger.info('Connected to ACS');
    const context: AcsContext = {
      logger,
      engine: this.options.engine,
      credentials: this.options.credentials,
      progress: this.#progress,
      manifestSequence: this.#manifestSequence,
      updater: this.options.updater,
      send: (frame) => connection.send(encodeAcsFrame(frame)),
    };
    const router = new AcsMessageRouter(context, timings.inactiveInstanceWaitMs);
    const end = await serveConnection(connection, {
      clock: this.options.clock,
      signal,
      inactivityTimeoutMs: () => this.inactivityTimeoutMs(),
      onMessage: (text, control) => router.handle(text, control),
      onHandlerError: (error) => logger.error({ err: (error as Error).message }, 'ACS message handler failed'),
    });
    if (end.kind === 'pause' && end.error.name === 'InactiveInstanceException') this.options.onInactiveInstance?.();
    return { end, connectedAt };
  }

  private classifyConnectError(error: Error): SessionEnd {
    if (!(error instanceof HandshakeError)) return { kind: 'failed', error };
    let body: unknown;
    try {
      body = JSON.parse(error.body);
    } catch {
      return { kind: 'failed', error };
    }
    const acsError = readErrorMap(body, ACS_ERROR_TYPES);
    if (!acsError) return { kind: 'failed', error };
    const type = acsError.type as AcsErrorType;
    if (type === 'InactiveInstanceException') {
      this.options.onInactiveInstance?.();
      return inactiveInstance(acsError.message, this.options.timings.inactiveInstanceWaitMs);
    }
    if (ACS_UNRETRIABLE_ERRORS.includes(type)) return { kind: 'terminal', error: new AcsUnretriableError(type, acsError.message) };
    return { kind: 'failed', error: new Error(`${type}: ${acsError.message}`) };
  }
}
