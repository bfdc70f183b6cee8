import type { ImagePullBehavior } from '../../config';

/**
 * Whether ECS_IMAGE_PULL_BEHAVIOR skips the pull: `once` when this image name was already pulled
 * successfully (and not cleaned up since), `prefer-cached` when Docker has the image; `default` and
 * `always` always pull.
 */
export function skipsPull(behavior: ImagePullBehavior, facts: { readonly pulledBefore: boolean; readonly cached: boolean }): boolean {
  if (behavior === 'once') return facts.pulledBefore;
  if (behavior === 'prefer-cached') return facts.cached;
  return false;
}

/** Whether the behaviour needs to know if Docker holds the image before deciding. */
export function needsCacheCheck(behavior: ImagePullBehavior): boolean {
  return behavior === 'prefer-cached';
}

/** After a failed pull: `always` and `once` stop the task; `default` and `prefer-cached` try the cached image. */
export function pullFailureStopsTask(behavior: ImagePullBehavior): boolean {
  return behavior === 'always' || behavior === 'once';
}
