// Test clients that sign the way the agent does: SigV4 headers on the websocket upgrade request,
// and per-frame signed headers on TCS.
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { formatSignedTcsFrame } from '@fractal-ecs/agent/wire';
import WebSocket from 'ws';
import type { Credentials } from '../auth/sigv4-verifier';

export function signer(credentials: Credentials, region = 'us-east-1'): SignatureV4 {
  return new SignatureV4({ credentials, region, service: 'ecs', sha256: Hash.bind(null, 'sha256') });
}

/** Signs a GET of `url` with `body` and returns the headers to send (Host included). */
export async function signedHeaders(url: URL, credentials: Credentials, body?: string): Promise<Record<string, string>> {
  const request = new HttpRequest({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host },
    body,
  });
  const signed = await signer(credentials).sign(request);
  return signed.headers;
}

/** Collects the frames a websocket receives so a test can wait for the one it expects. */
export class FrameCollector {
  readonly frames: { type: string; message: Record<string, unknown> }[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      this.waiters.forEach((wake) => wake());
    });
  }

  /** Resolves with the first frame (from `from` on) matching, or rejects after `limitMs`. */
  next(predicate: (frame: { type: string; message: Record<string, unknown> }) => boolean, from = 0, limitMs = 5000): Promise<{ type: string; message: Record<string, unknown>; index: number }> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const index = this.frames.findIndex((frame, i) => i >= from && predicate(frame));
        if (index < 0) return false;
        this.waiters = this.waiters.filter((waiter) => waiter !== wake);
        clearTimeout(timer);
        resolve({ ...this.frames[index]!, index });
        return true;
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== wake);
        reject(new Error(`no matching frame within ${limitMs} ms; got ${this.frames.map((f) => f.type).join(', ')}`));
      }, limitMs);
      if (!check()) this.waiters.push(wake);
    });
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }
}

export async function connectSigned(url: URL, credentials: Credentials): Promise<FrameCollector> {
  const headers = await signedHeaders(url, credentials);
  const socket = new WebSocket(url.toString().replace(/^http/, 'ws'), { headers });
  const collector = new FrameCollector(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return collector;
}

/** The refused handshake's status and body. */
export async function refusedHandshake(url: URL, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const socket = new WebSocket(url.toString().replace(/^http/, 'ws'), { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => reject(new Error('the handshake was accepted')));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.once('error', () => undefined);
  });
}

export async function signedTcsFrame(url: URL, credentials: Credentials, frame: unknown): Promise<string> {
  const json = JSON.stringify(frame);
  const headers = await signedHeaders(url, credentials, json);
  return formatSignedTcsFrame(headers, json);
}

export function close(collector: FrameCollector): Promise<void> {
  return new Promise((resolve) => {
    if (collector.socket.readyState === WebSocket.CLOSED) return resolve();
    collector.socket.once('close', () => resolve());
    collector.socket.close();
  });
}
