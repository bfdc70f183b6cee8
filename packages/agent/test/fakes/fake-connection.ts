import type { CloseInfo, WsConnection } from '../../src/wsclient';

/** An in-memory websocket: the test plays the server (deliver, closeFromServer) and reads `sent`. */
export class FakeConnection implements WsConnection {
  readonly sent: string[] = [];
  closedBy: { code: number; reason: string } | undefined;
  #listeners: ((text: string) => void)[] = [];
  #resolveClosed!: (info: CloseInfo) => void;
  readonly closed = new Promise<CloseInfo>((resolve) => {
    this.#resolveClosed = resolve;
  });

  async send(text: string): Promise<void> {
    if (this.closedBy) throw new Error('websocket is not open');
    this.sent.push(text);
  }

  close(code = 1000, reason = ''): void {
    if (this.closedBy) return;
    this.closedBy = { code, reason };
    this.#resolveClosed({ code, reason });
  }

  onMessage(listener: (text: string) => void): void {
    this.#listeners.push(listener);
  }

  /** The server sends a text frame. */
  deliver(frame: string | object): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    for (const listener of this.#listeners) listener(text);
  }

  closeFromServer(code: number, reason = ''): void {
    this.close(code, reason);
  }

  /** Sent frames decoded, for assertions. */
  sentFrames(): { type: string; message: Record<string, unknown> }[] {
    return this.sent.map((text) => JSON.parse(text.slice(text.indexOf('{'))) as { type: string; message: Record<string, unknown> });
  }
}
