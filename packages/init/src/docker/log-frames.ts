/**
 * Turns a `docker logs` body into text. Containers without a TTY send multiplexed frames (8-byte header:
 * stream id, 3 zero bytes, big-endian length); TTY containers send raw bytes.
 */
export function demuxLogs(body: Buffer): string {
  if (!looksMultiplexed(body)) return body.toString('utf8');
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= body.length) {
    const length = body.readUInt32BE(offset + 4);
    parts.push(body.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(parts).toString('utf8');
}

function looksMultiplexed(body: Buffer): boolean {
  return body.length >= 8 && body[0]! <= 2 && body[1] === 0 && body[2] === 0 && body[3] === 0;
}
