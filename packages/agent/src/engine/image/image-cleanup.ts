import type { Clock, Logger } from '@fractal-ecs/common';
import type { ImageCleanupSettings } from '../../config';
import { NoSuchContainerError, NoSuchImageError, type ContainerSummary, type DockerClient } from '../../dockerclient';
import { finishedLongAgo, removableRefs, trackedCandidates, untrackedCandidates, type ExclusionList } from './cleanup-selection';
import type { ImageStates, TrackedImage } from './image-states';

export interface CleanupDeps {
  readonly docker: DockerClient;
  readonly clock: Clock;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  readonly states: ImageStates;
  readonly settings: ImageCleanupSettings;
  readonly exclusions: ExclusionList;
  /** ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: how long a stopped non-ECS container is kept. */
  readonly taskCleanupWaitMs: number;
  readonly isTaskContainer: (container: ContainerSummary) => boolean;
}

/** What one cycle did. */
export interface CleanupReport {
  /** Tracked images deleted (IDs). */
  readonly removedImages: string[];
  /** Tracked images that failed and were skipped for this cycle, with Docker's message. */
  readonly failedImages: Array<{ readonly imageId: string; readonly error: string }>;
  /** Non-ECS containers removed (IDs). */
  readonly removedContainers: string[];
  /** Untracked images deleted (IDs). */
  readonly removedUntrackedImages: string[];
}

/**
 * One image cleanup cycle (upstream's removeUnusedImages): deletes up to ECS_NUM_IMAGES_DELETE_PER_CYCLE
 * unused tracked images, least recently used first; then, with ECS_ENABLE_UNTRACKED_IMAGE_CLEANUP,
 * stopped non-ECS containers and the untracked images left of the per-cycle budget. The caller holds
 * the pull lock.
 */
export async function runCleanupCycle(deps: CleanupDeps): Promise<CleanupReport> {
  const report: CleanupReport = { removedImages: [], failedImages: [], removedContainers: [], removedUntrackedImages: [] };
  const { settings } = deps;
  const candidates = trackedCandidates(deps.states.all(), deps.clock.now(), settings.minimumAgeMs, deps.exclusions);
  // Like upstream, the loop index (attempts, failed ones included) is what the untracked budget subtracts.
  let attempts = 0;
  for (; attempts < settings.imagesPerCycle && candidates.length > 0; attempts++) {
    const image = candidates.shift()!;
    const error = await removeTrackedImage(deps, image);
    if (error === undefined) report.removedImages.push(image.imageId);
    else report.failedImages.push({ imageId: image.imageId, error });
  }
  if (!settings.untrackedEnabled) return report;
  report.removedContainers.push(...(await removeNonEcsContainers(deps)));
  report.removedUntrackedImages.push(...(await removeUntrackedImages(deps, settings.imagesPerCycle - attempts)));
  return report;
}

/** Removes each name of the image (or its ID when it has none); returns Docker's message on failure. */
async function removeTrackedImage(deps: CleanupDeps, image: TrackedImage): Promise<string | undefined> {
  const refs = image.names.size ? [...image.names] : [image.imageId];
  for (const ref of refs) {
    try {
      await deps.docker.removeImage(ref);
      deps.logger.info({ image: ref, imageId: image.imageId }, 'Image removed');
    } catch (error) {
      // Already gone counts as removed (upstream issue #1871: one missing image stalled every cycle).
      if (!(error instanceof NoSuchImageError)) {
        const message = (error as Error).message;
        deps.logger.warn({ image: ref, imageId: image.imageId, err: message }, 'Image removal failed; skipped this cycle');
        return message;
      }
    }
    image.names.delete(ref);
  }
  deps.states.forget(image.imageId);
  return undefined;
}

async function removeNonEcsContainers(deps: CleanupDeps): Promise<string[]> {
  const removed: string[] = [];
  const containers = await deps.docker.listContainers({ all: true });
  for (const container of containers) {
    if (removed.length >= deps.settings.nonEcsContainersPerCycle) break;
    if (deps.isTaskContainer(container) || !['exited', 'dead', 'created'].includes(container.State)) continue;
    try {
      const info = await deps.docker.inspectContainer(container.Id);
      if (!finishedLongAgo(info.State.FinishedAt, deps.clock.now(), deps.taskCleanupWaitMs)) continue;
      await deps.docker.removeContainer(container.Id);
      removed.push(container.Id);
      deps.logger.info({ container: container.Id, names: container.Names }, 'Non-ECS container removed');
    } catch (error) {
      if (!(error instanceof NoSuchContainerError)) {
        deps.logger.warn({ container: container.Id, err: (error as Error).message }, 'Non-ECS container removal failed');
      }
    }
  }
  return removed;
}

async function removeUntrackedImages(deps: CleanupDeps, budget: number): Promise<string[]> {
  if (budget <= 0) return [];
  const removed: string[] = [];
  const images = await deps.docker.listImages();
  const candidates = untrackedCandidates(images, (id) => deps.states.get(id) !== undefined, deps.clock.now(), deps.settings.nonEcsMinimumAgeMs, deps.exclusions);
  for (const image of candidates.slice(0, budget)) {
    let ok = true;
    for (const ref of removableRefs(image)) {
      try {
        await deps.docker.removeImage(ref);
      } catch (error) {
        if (error instanceof NoSuchImageError) continue;
        ok = false;
        deps.logger.warn({ image: ref, err: (error as Error).message }, 'Untracked image removal failed');
        break;
      }
    }
    if (ok) {
      removed.push(image.Id);
      deps.logger.info({ imageId: image.Id, tags: image.RepoTags }, 'Untracked image removed');
    }
  }
  return removed;
}
