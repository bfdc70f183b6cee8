// The TCS side: the agent publishes metrics and container health, each frame signed on its own
// (signed headers of a GET to the session URL with the JSON as body). Frames whose signature does
// not verify are refused with a BadRequestException frame; good ones are recorded and acked.
import type { Logger } from '@fractal-ecs/common';
import { encodeTcsFrame, parseTcsAgentFrame, splitSignedTcsFrame, type TcsServerFrame } from '@fractal-ecs/agent/wire';
import type { WebSocket } from 'ws';
import type { SigV4Verifier } from '../auth/sigv4-verifier';
import type { StateData, TelemetryRecord } from '../state/model';

/** Metrics publications kept per instance (the newest). */
const METRICS_KEPT = 50;

export interface TcsHubOptions {
  state: StateData;
  verifier: SigV4Verifier;
  now(): Date;
  save(): Promise<void>;
  logger: Logger;
  heartbeatIntervalMs: number;
}

export interface TcsSessionInfo {
  containerInstanceArn: string;
  /** Path and query the agent connected to; every frame is signed for this URL. */
  path: string;
  query: Record<string, string | string[]>;
}

export class TcsHub {
  private readonly sockets = new Set<WebSocket>();
  /** Frames refused, with why, for tests and the debug route. */
  readonly rejectedFrames: string[] = [];

  constructor(private readonly options: TcsHubOptions) {}

  attach(socket: WebSocket, info: TcsSessionInfo): void {
    this.sockets.add(socket);
    const timer = setInterval(() => send(socket, { type: 'HeartbeatMessage', message: { healthy: true } }), this.options.heartbeatIntervalMs);
    timer.unref();
    // Frames are handled in arrival order even though verification is asynchronous.
    let queue = Promise.resolve();
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      queue = queue.then(() => this.receive(socket, info, text)).catch((error: Error) => this.options.logger.error({ err: error.message }, 'TCS frame failed'));
    });
    socket.on('close', () => {
      clearInterval(timer);
      this.sockets.delete(socket);
    });
    socket.on('error', (error) => this.options.logger.warn({ err: error.message }, 'TCS socket error'));
  }

  closeAll(): void {
    for (const socket of this.sockets) socket.close(1001, 'control plane stopping');
    this.sockets.clear();
  }

  private async receive(socket: WebSocket, info: TcsSessionInfo, text: string): Promise<void> {
    const signed = splitSignedTcsFrame(text);
    if (!signed.ok) return this.refuse(socket, signed.error);
    const auth = await this.options.verifier.verify({ method: 'GET', path: info.path, query: info.query, headers: signed.headers, body: signed.json });
    if (!auth.ok) return this.refuse(socket, `${auth.type}: ${auth.message}`);
    const parsed = parseTcsAgentFrame(signed.json);
    if (parsed.kind === 'invalid') return this.refuse(socket, parsed.error.message);
    if (parsed.kind === 'unknown') return this.refuse(socket, `type: unknown message type ${JSON.stringify(parsed.type)}`);
    const telemetry = this.telemetryOf(info.containerInstanceArn);
    const receivedAt = this.options.now().getTime() / 1000;
    const { frame } = parsed;
    switch (frame.type) {
      case 'PublishMetricsRequest':
        telemetry.metrics.push({ ...frame.message, receivedAt });
        telemetry.metrics.splice(0, Math.max(0, telemetry.metrics.length - METRICS_KEPT));
        send(socket, { type: 'AckPublishMetric', message: { message: '' } });
        break;
      case 'PublishHealthRequest':
        for (const task of frame.message.tasks ?? []) {
          if (task.taskArn) telemetry.health[task.taskArn] = { ...task, receivedAt };
        }
        send(socket, { type: 'AckPublishHealth', message: { message: '' } });
        break;
      case 'StartTelemetrySessionRequest':
        return;
    }
    await this.options.save();
  }

  private refuse(socket: WebSocket, problem: string): void {
    this.rejectedFrames.push(problem);
    this.options.logger.warn({ problem }, 'TCS frame refused');
    send(socket, { type: 'BadRequestException', message: { message: problem } });
  }

  private telemetryOf(arn: string): TelemetryRecord {
    return (this.options.state.telemetry[arn] ??= { metrics: [], health: {} });
  }
}

function send(socket: WebSocket, frame: TcsServerFrame): void {
  if (socket.readyState === socket.OPEN) socket.send(encodeTcsFrame(frame));
}
