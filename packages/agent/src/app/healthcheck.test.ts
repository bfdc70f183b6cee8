import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runHealthcheck } from './healthcheck';

describe('runHealthcheck', () => {
  it('is healthy (0) on any answer to HEAD /v1/metadata, unhealthy (1) when nothing listens', async () => {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await expect(runHealthcheck('127.0.0.1', 2_000, port)).resolves.toBe(0);
    expect(seen).toEqual(['HEAD /v1/metadata']);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(runHealthcheck('127.0.0.1', 2_000, port)).resolves.toBe(1);
  });
});
