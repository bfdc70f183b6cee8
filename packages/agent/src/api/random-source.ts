// Randomness the model needs (Docker names, volume names, metadata endpoint IDs), behind a seam so
// tests can fix it.
import { randomBytes } from 'node:crypto';

export interface RandomSource {
  bytes(length: number): Uint8Array;
}

export const cryptoRandom: RandomSource = { bytes: (length) => randomBytes(length) };

/**
 * Upstream's RandHex: a random int63, zigzag varint-encoded into a 10-byte buffer (zero-padded), in
 * hex. 20 characters, e.g. `c8e2d6a9b5f8b6d9d901`.
 */
export function randomHex(random: RandomSource): string {
  const bytes = random.bytes(8);
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  value &= (1n << 63n) - 1n;
  // Zigzag of a non-negative number is the number doubled; then base-128 little-endian groups.
  let zigzag = value << 1n;
  const out = new Uint8Array(10);
  let index = 0;
  while (zigzag >= 0x80n) {
    out[index++] = Number(zigzag & 0x7fn) | 0x80;
    zigzag >>= 7n;
  }
  out[index] = Number(zigzag);
  return Buffer.from(out).toString('hex');
}

/** A version 4 UUID, lower case. */
export function randomUuid(random: RandomSource): string {
  const bytes = Uint8Array.from(random.bytes(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
