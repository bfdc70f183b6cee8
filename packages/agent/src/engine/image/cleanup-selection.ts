import type { ImageSummary } from '../../dockerclient';
import { withDefaultTag } from '../../dockerclient';
import type { TrackedImage } from './image-states';

/** Names and IDs cleanup never removes: ECS_EXCLUDE_UNTRACKED_IMAGE plus the agent's own images. */
export class ExclusionList {
  readonly #entries = new Set<string>();

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      if (entry === '') continue;
      this.#entries.add(entry);
      // `alpine` and `alpine:latest` name the same image.
      if (!entry.startsWith('sha256:')) this.#entries.add(withDefaultTag(entry));
    }
  }

  excludes(imageId: string, names: Iterable<string>): boolean {
    if (this.#entries.has(imageId)) return true;
    for (const name of names) if (this.#entries.has(name) || this.#entries.has(withDefaultTag(name))) return true;
    return false;
  }
}

/**
 * Tracked images cleanup may delete: not excluded, used by no container, and pulled at least
 * `minimumAgeMs` ago (ECS_IMAGE_MINIMUM_CLEANUP_AGE). Ordered least recently used first.
 */
export function trackedCandidates(images: readonly TrackedImage[], now: Date, minimumAgeMs: number, exclusions: ExclusionList): TrackedImage[] {
  return images
    .filter((image) => image.containers.size === 0)
    .filter((image) => !exclusions.excludes(image.imageId, image.names))
    .filter((image) => now.getTime() - image.pulledAt.getTime() >= minimumAgeMs)
    .sort((a, b) => a.lastUsedAt.getTime() - b.lastUsedAt.getTime());
}

const NO_TAG = '<none>:<none>';

/** What to `docker rmi` for an untracked image: each tag, or the ID of an untagged one. */
export function removableRefs(image: ImageSummary): string[] {
  const tags = (image.RepoTags ?? []).filter((tag) => tag !== NO_TAG);
  return tags.length ? tags : [image.Id];
}

/**
 * Images the agent never tracked that untracked cleanup may delete: no excluded tag or ID, created at
 * least `minimumAgeMs` ago (NON_ECS_IMAGE_MINIMUM_CLEANUP_AGE). Smallest first, as upstream.
 */
export function untrackedCandidates(
  images: readonly ImageSummary[],
  isTracked: (imageId: string) => boolean,
  now: Date,
  minimumAgeMs: number,
  exclusions: ExclusionList,
): ImageSummary[] {
  return images
    .filter((image) => !isTracked(image.Id))
    .filter((image) => !exclusions.excludes(image.Id, (image.RepoTags ?? []).filter((tag) => tag !== NO_TAG)))
    .filter((image) => now.getTime() - image.Created * 1000 >= minimumAgeMs)
    .sort((a, b) => a.Size - b.Size);
}

/** Docker's zero time (a container never started or still running): counts as long finished. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Whether a stopped non-ECS container finished at least `waitMs` ago. */
export function finishedLongAgo(finishedAt: string | undefined, now: Date, waitMs: number): boolean {
  if (!finishedAt || finishedAt === ZERO_TIME) return true;
  const finished = Date.parse(finishedAt);
  return Number.isNaN(finished) || now.getTime() - finished >= waitMs;
}
