import type { IncomingMessage } from 'node:http';

/**
 * A request's body as UTF-8 text, at most `limitBytes`: past that the request is dropped and the
 * promise rejects with what `tooLarge()` gives (each API answers an oversized body its own way).
 */
export function readRequestBody(request: IncomingMessage, limitBytes: number, tooLarge: () => unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(tooLarge());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
