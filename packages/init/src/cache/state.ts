/** What /var/cache/ecs/state says about the cached agent tarball. */
export const CacheStatus = {
  /** Nothing usable cached: download (or fail). */
  Uncached: 0,
  /** Cached; load it only when the image is missing from Docker. */
  Cached: 1,
  /** Packaging installed a new tarball: load it whatever Docker has. */
  ReloadNeeded: 2,
} as const;

/**
 * Parses the state file as Go's fmt.Fscanf("%d") into a uint8: spaces (not newlines) skipped, then
 * decimal digits, anything after them ignored. Whatever Go would reject ("spurious", " ", "256")
 * means Uncached.
 */
export function parseCacheState(text: string): number {
  // Go treats "\r\n" as a newline, which %d refuses to skip.
  const match = /^(?:[ \t\v\f]|\r(?!\n))*(\d+)/.exec(text);
  if (!match) return CacheStatus.Uncached;
  const value = Number(match[1]);
  return value <= 255 ? value : CacheStatus.Uncached;
}
