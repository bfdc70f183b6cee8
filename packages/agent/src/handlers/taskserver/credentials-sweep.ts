// Task-role credentials are removed once their task has stopped (upstream's cleanupCredentials). The
// endpoint already refuses them from that moment; the sweep frees them.
import type { TaskCredentialsStore } from '../../credentials';
import type { TaskStateReader } from './task-state-reader';

/** How often stopped tasks' credentials are dropped. */
export const CREDENTIALS_SWEEP_INTERVAL_MS = 60_000;

/**
 * Drops the credentials of every stopped task. Credentials of a task the engine does not hold are
 * kept: ACS stores a new task's credentials just before the engine adds the task.
 */
export function removeStoppedTaskCredentials(store: TaskCredentialsStore, state: TaskStateReader): number {
  let removed = 0;
  for (const taskArn of store.taskArns()) {
    if (state.taskByArn(taskArn)?.knownStatus !== 'STOPPED') continue;
    store.removeTask(taskArn);
    removed += 1;
  }
  return removed;
}
