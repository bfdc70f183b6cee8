import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListeningServer {
  /** The bound port (the one asked for, or the free one picked for 0). */
  readonly port: number;
  /** Stops accepting and drops open connections (keep-alive clients would hold close() forever). */
  close(): Promise<void>;
}

/** Binds an HTTP server; rejects with the listen error (e.g. EADDRINUSE) so callers can retry. */
export async function listen(server: Server, host: string | undefined, port: number): Promise<ListeningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
