import { countingRandom } from './counting-random';
import { randomHex, randomUuid, type RandomSource } from './random-source';

const fixed = (byte: number): RandomSource => ({ bytes: (length) => new Uint8Array(length).fill(byte) });

describe('randomHex', () => {
  it('is the zigzag varint of an int63 in a 10-byte buffer, like upstream RandHex', () => {
    expect(randomHex(fixed(0))).toBe('00000000000000000000');
    expect(randomHex(countingRandom())).toBe('02000000000000000000');
    // The top bit is dropped (int63): 2^63-1, doubled, takes all ten bytes.
    expect(randomHex(fixed(0xff))).toBe('feffffffffffffffff01');
    expect(randomHex(fixed(0x01))).toBe('82848890a0c080810200');
  });
});

describe('randomUuid', () => {
  it('is a version 4 UUID', () => {
    expect(randomUuid(fixed(0))).toBe('00000000-0000-4000-8000-000000000000');
    expect(randomUuid(fixed(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
});
