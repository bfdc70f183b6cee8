import type { ImagePullBehavior } from '../config';
import { NoSuchImageError, type DockerClient, type PullOptions } from '../dockerclient';
import type { PullOutcome, TaskImages } from './engine-context';

/**
 * ECS_IMAGE_PULL_BEHAVIOR straight over the Docker client, without image-state tracking (no cleanup):
 * default pulls and falls back to a cached image; always pulls and fails; once skips images this
 * process already pulled; prefer-cached skips images Docker has.
 */
export function directTaskImages(docker: DockerClient, behavior: ImagePullBehavior, pull: Omit<PullOptions, 'signal'>): TaskImages {
  const pulled = new Set<string>();
  return {
    async pull(_task, container, signal): Promise<PullOutcome> {
      const image = container.image;
      if (behavior === 'once' && pulled.has(image)) return { pulled: true };
      if (behavior === 'prefer-cached') {
        const cached = await docker.inspectImage(image).catch((error: unknown) => {
          if (error instanceof NoSuchImageError) return undefined;
          throw error;
        });
        if (cached) return { pulled: true, imageId: cached.Id };
      }
      try {
        await docker.pullImage(image, undefined, { ...pull, signal });
        pulled.add(image);
        return { pulled: true };
      } catch (error) {
        if (behavior === 'default' || behavior === 'prefer-cached') return { pulled: false, error: error as Error };
        throw error;
      }
    },
    recordContainer: () => undefined,
    releaseContainer: () => undefined,
  };
}
