import type { RandomSource } from '../api';

/** The Docker label carrying the container's FractalID (so `docker ps` and a restarted agent can see it). */
export const FRACTAL_ID_LABEL = 'com.fractal.ecs.fractal-id';

const FRACTAL_ID = /^[0-9a-f]{60}$/;
/** A collision among 240 random bits means the random source is broken; stop rather than loop. */
const MAX_ATTEMPTS = 8;

export function isFractalId(text: string): boolean {
  return FRACTAL_ID.test(text);
}

/**
 * A new FractalID: 60 lowercase hex characters (30 random bytes), not `taken` on this host. The fork
 * built its IDs from three upstream RandHex values (varint-shaped, not uniform); plain random bytes have
 * the same shape and are unguessable.
 */
export function newFractalId(random: RandomSource, taken: (id: string) => boolean): string {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const id = Buffer.from(random.bytes(30)).toString('hex');
    if (!taken(id)) return id;
  }
  throw new Error(`no unused FractalID after ${MAX_ATTEMPTS} attempts: the random source repeats itself`);
}
