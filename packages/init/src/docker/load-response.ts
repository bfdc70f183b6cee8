/**
 * Reads the JSON-lines body of POST /images/load. The daemon reports some failures (a layer it cannot
 * apply, a bad manifest) inside this stream with HTTP 200, which upstream never notices; here they fail
 * the load. Returns the messages ("Loaded image: ...").
 */
export async function readLoadResponse(body: AsyncIterable<Buffer | string>): Promise<string[]> {
  let text = '';
  for await (const chunk of body) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  const messages: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let event: { stream?: unknown; error?: unknown; errorDetail?: { message?: unknown } };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      // Old daemons answer plain text; keep it as a message.
      messages.push(line.trim());
      continue;
    }
    if (event.errorDetail !== undefined || event.error !== undefined) {
      const message = event.errorDetail?.message ?? event.error;
      throw new Error(`docker load failed: ${typeof message === 'string' ? message : JSON.stringify(event)}`);
    }
    if (typeof event.stream === 'string' && event.stream.trim() !== '') messages.push(event.stream.trim());
  }
  return messages;
}
