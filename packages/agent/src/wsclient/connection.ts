import WebSocket from 'ws';

/** How a websocket ended. `code` 1006 also covers a connection dropped without a close frame. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly error?: Error;
}

/** One open websocket carrying text frames; what the ACS and TCS sessions talk through. */
export interface WsConnection {
  send(text: string): Promise<void>;
  /** Starts a close handshake; `closed` resolves when it is done. */
  close(code?: number, reason?: string): void;
  onMessage(listener: (text: string) => void): void;
  readonly closed: Promise<CloseInfo>;
}

export interface WsConnector {
  connect(url: URL, headers: Record<string, string>): Promise<WsConnection>;
}

/**
 * The upgrade was refused. A backend explains why in the body, `{"<ExceptionType>":"<text>"}`; the
 * session reads `body` with the wire module's readErrorMap.
 */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';

  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`websocket handshake refused with HTTP ${status}${body ? `: ${body.slice(0, 500)}` : ''}`);
  }
}

export interface WsConnectorOptions {
  /** Flag `-k`. */
  readonly acceptInsecureCert: boolean;
  /** Upstream's dial and handshake timeouts are 30s each. */
  readonly handshakeTimeoutMs?: number;
}

/** Frames above this are refused by the client (upstream reads with a 4 KiB buffer but no cap). */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export function wsConnector(options: WsConnectorOptions): WsConnector {
  return {
    connect: (url, headers) =>
      new Promise<WsConnection>((resolve, reject) => {
        const socket = new WebSocket(url, {
          headers,
          handshakeTimeout: options.handshakeTimeoutMs ?? 30_000,
          rejectUnauthorized: !options.acceptInsecureCert,
          maxPayload: MAX_FRAME_BYTES,
          perMessageDeflate: false,
        });
        let settled = false;
        socket.once('unexpected-response', (request, response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            settled = true;
            reject(new HandshakeError(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8').trim()));
          });
          response.on('error', (error) => {
            settled = true;
            reject(error);
          });
          request.on('error', () => undefined);
        });
        socket.once('error', (error) => {
          if (!settled) {
            settled = true;
            reject(error);
          }
        });
        socket.once('open', () => {
          settled = true;
          resolve(wrap(socket));
        });
      }),
  };
}

function wrap(socket: WebSocket): WsConnection {
  let lastError: Error | undefined;
  socket.on('error', (error) => {
    lastError = error;
  });
  const closed = new Promise<CloseInfo>((resolve) => {
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8'), ...(lastError ? { error: lastError } : {}) }));
  });
  return {
    send: (text) =>
      new Promise<void>((resolve, reject) => {
        if (socket.readyState !== WebSocket.OPEN) return reject(new Error('websocket is not open'));
        socket.send(text, (error) => (error ? reject(error) : resolve()));
      }),
    close(code = 1000, reason = '') {
      if (socket.readyState === WebSocket.CLOSED) return;
      socket.close(code, reason);
      // A peer that never answers the close frame must not keep the session alive.
      setTimeout(() => socket.terminate(), 5_000).unref();
    },
    onMessage(listener) {
      socket.on('message', (data) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        listener(bytes.toString('utf8'));
      });
    },
    closed,
  };
}
