// Runs the task server for the agent: listens on 127.0.0.1:51679, retrying a busy port with backoff
// (1 s to 1 min, as upstream), until the signal aborts.
import { ListTagsForResourceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { Clock } from '@fractal-ecs/common';
import type { TaskCredentialsStore } from '../../credentials';
import type { AuditLog } from './audit-log';
import { CREDENTIALS_SWEEP_INTERVAL_MS, removeStoppedTaskCredentials } from './credentials-sweep';
import { startTaskServer, type RunningTaskServer, type TaskServerOptions } from './task-server';
import type { ResourceTags } from './task-server-routes';

export interface TaskEndpoints {
  close(): Promise<void>;
}

/**
 * The task server as the agent runs it: served in the background (a busy port is retried), stopped
 * tasks' credentials swept every minute; close() stops both and flushes the audit log.
 */
export function runTaskEndpoints(options: TaskServerOptions & { readonly store: TaskCredentialsStore; readonly audit: AuditLog }, host: string, port: number, signal: AbortSignal): TaskEndpoints {
  const stop = new AbortController();
  const stopAll = () => stop.abort();
  signal.addEventListener('abort', stopAll, { once: true });
  const server = serveTaskServer(options, host, port, options.clock, stop.signal);
  const sweep = setInterval(() => {
    const removed = removeStoppedTaskCredentials(options.store, options.sources.state);
    if (removed > 0) options.sources.logger.info({ tasks: removed }, 'Removed the credentials of stopped tasks');
  }, CREDENTIALS_SWEEP_INTERVAL_MS);
  sweep.unref();
  return {
    async close() {
      clearInterval(sweep);
      stopAll();
      signal.removeEventListener('abort', stopAll);
      await (await server)?.close();
      await options.audit.close();
    },
  };
}

export async function serveTaskServer(options: TaskServerOptions, host: string, port: number, clock: Clock, signal: AbortSignal): Promise<RunningTaskServer | undefined> {
  let delay = 1_000;
  while (!signal.aborted) {
    try {
      return await startTaskServer(options, host, port);
    } catch (error) {
      options.sources.logger.warn({ port, err: (error as Error).message, retryInMs: delay }, 'Cannot serve the task metadata and credentials endpoint; retrying');
      await clock.sleep(delay, signal);
      delay = Math.min(60_000, delay * 2);
    }
  }
  return undefined;
}

/** taskWithTags through ECS ListTagsForResource. */
export function ecsResourceTags(client: () => ECSClient): ResourceTags {
  return {
    async tagsOf(resourceArn) {
      const output = await client().send(new ListTagsForResourceCommand({ resourceArn }));
      const tags: Record<string, string> = {};
      for (const tag of output.tags ?? []) if (tag.key !== undefined) tags[tag.key] = tag.value ?? '';
      return tags;
    },
  };
}
