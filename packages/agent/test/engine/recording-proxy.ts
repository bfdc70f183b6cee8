import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** One state-change call the control plane accepted, as the agent sent it. */
export interface SeenStateChange {
  operation: 'SubmitTaskStateChange' | 'SubmitContainerStateChange';
  body: {
    task: string;
    status?: string;
    reason?: string;
    containerName?: string;
    containers?: { containerName: string; status: string; exitCode?: number; runtimeId?: string; reason?: string; networkBindings?: { hostPort: number; containerPort: number }[] }[];
  };
}

/**
 * An HTTP proxy in front of the control plane that records every state change it accepted (the agent
 * points ECS_BACKEND_HOST here; ACS and TCS websockets are passed through byte for byte, so SigV4 over
 * the original Host header still verifies). It outlives agent processes, so a killed and restarted
 * agent's calls are all in one list.
 */
export class RecordingProxy {
  readonly seen: SeenStateChange[] = [];
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(private readonly targetPort: number) {}

  async start(): Promise<string> {
    const server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const body = Buffer.concat(chunks);
        const target = String(incoming.headers['x-amz-target'] ?? '');
        const forward = httpRequest({ host: '127.0.0.1', port: this.targetPort, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
          answer.on('end', () => {
            const operation = target.split('.').pop();
            if (answer.statusCode === 200 && (operation === 'SubmitTaskStateChange' || operation === 'SubmitContainerStateChange')) {
              this.seen.push({ operation, body: JSON.parse(body.toString('utf8')) as SeenStateChange['body'] });
            }
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            outgoing.end(Buffer.concat(answerChunks));
          });
        });
        forward.on('error', () => {
          outgoing.writeHead(502);
          outgoing.end();
        });
        forward.end(body);
      });
    });
    server.on('upgrade', (incoming: IncomingMessage, socket: Socket, head: Buffer) => {
      const upstream = connect(this.targetPort, '127.0.0.1', () => {
        const headers = Object.entries(incoming.headers).flatMap(([key, value]) => (Array.isArray(value) ? value.map((v) => `${key}: ${v}`) : [`${key}: ${value}`]));
        upstream.write(`${incoming.method} ${incoming.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
        if (head.length) upstream.write(head);
        socket.pipe(upstream).pipe(socket);
      });
      for (const end of [socket, upstream]) {
        this.#sockets.add(end);
        end.on('close', () => this.#sockets.delete(end));
        end.on('error', () => {
          socket.destroy();
          upstream.destroy();
        });
      }
    });
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Every (container or task, status) the control plane was told, for a task. */
  changesFor(taskArn: string): string[] {
    const out: string[] = [];
    for (const { operation, body } of this.seen) {
      if (body.task !== taskArn) continue;
      if (operation === 'SubmitContainerStateChange') out.push(`${body.containerName}:${body.status}`);
      else {
        for (const container of body.containers ?? []) out.push(`${container.containerName}:${container.status}`);
        if (body.status && body.status !== 'PENDING') out.push(`task:${body.status}`);
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
  }
}
