// A RandomSource for tests whose draws are readable: the n-th draw is all zero bytes but the last,
// which is n. randomHex then gives `0<2n>` padded to 20 characters, randomUuid `...-8000-00000000000<n>`.
import type { RandomSource } from './random-source';

export function countingRandom(): RandomSource {
  let draws = 0;
  return {
    bytes(length) {
      draws += 1;
      const bytes = new Uint8Array(length);
      bytes[length - 1] = draws;
      return bytes;
    },
  };
}
