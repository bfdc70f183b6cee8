import type { Clock, Logger } from '@fractal-ecs/common';
import type { UpdateContainerInstancesStateRequest, UpdateContainerInstancesStateResponse } from '../wire';
import { parseSpotInterruption } from './spot-interruption';

/** Upstream polls instance metadata once a second. */
export const SPOT_POLL_INTERVAL_MS = 1_000;

export interface SpotDrainingDeps {
  /** IMDS `spot/instance-action`: undefined while no interruption is scheduled. */
  spotInstanceAction(): Promise<string | undefined>;
  updateContainerInstancesState(input: UpdateContainerInstancesStateRequest): Promise<UpdateContainerInstancesStateResponse>;
  readonly instance: { readonly cluster: string; readonly containerInstanceArn: string };
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * ECS_ENABLE_SPOT_INSTANCE_DRAINING: polls for a spot interruption notice and, when one comes, sets
 * this instance DRAINING so ECS moves its service tasks elsewhere before EC2 takes it. Polling stops
 * after the first answered call; a call that fails (network, throttling) is retried on the next tick. Resolves true once the
 * instance is draining, false when `signal` stops it first.
 */
export async function drainOnSpotInterruption(deps: SpotDrainingDeps, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    if (await pollOnce(deps)) return true;
    await deps.clock.sleep(SPOT_POLL_INTERVAL_MS, signal);
  }
  return false;
}

async function pollOnce(deps: SpotDrainingDeps): Promise<boolean> {
  const { logger, instance } = deps;
  let notice: string | undefined;
  try {
    notice = await deps.spotInstanceAction();
  } catch (error) {
    logger.debug({ err: (error as Error).message }, 'Unable to read spot/instance-action from instance metadata');
    return false;
  }
  if (notice === undefined) return false;
  let interruption;
  try {
    interruption = parseSpotInterruption(notice);
  } catch (error) {
    logger.error({ err: (error as Error).message }, 'Invalid response from the spot/instance-action endpoint');
    return false;
  }
  logger.info({ action: interruption.action, time: interruption.time }, 'Received a spot interruption notice; setting the container instance to DRAINING');
  let answer: UpdateContainerInstancesStateResponse;
  try {
    answer = await deps.updateContainerInstancesState({ cluster: instance.cluster, containerInstances: [instance.containerInstanceArn], status: 'DRAINING' });
  } catch (error) {
    logger.error({ err: (error as Error).message, containerInstanceArn: instance.containerInstanceArn }, 'Error setting the container instance state to DRAINING; retrying');
    return false;
  }
  // As upstream, an answered call ends polling; a per-instance failure (MISSING) would not heal by asking again.
  const failure = answer.failures?.[0];
  if (failure) logger.warn({ containerInstanceArn: instance.containerInstanceArn, reason: failure.reason, detail: failure.detail }, 'ECS did not set the container instance DRAINING');
  else logger.info({ containerInstanceArn: instance.containerInstanceArn }, 'Container instance is DRAINING');
  return true;
}
