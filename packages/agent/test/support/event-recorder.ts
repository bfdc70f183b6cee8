import type { ContainerEvent, DockerEvent } from '../../src/dockerclient';

/** Collects Docker events and lets a test wait for one that matches. */
export class EventRecorder {
  readonly events: DockerEvent[] = [];
  #waiters: Array<{ match: (event: DockerEvent) => boolean; resolve: (event: DockerEvent) => void }> = [];

  readonly listener = (event: DockerEvent): void => {
    this.events.push(event);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.match(event)) return true;
      waiter.resolve(event);
      return false;
    });
  };

  /** The first container event (past or future) for `id` with this action. */
  next(id: string, action: ContainerEvent['action']): Promise<ContainerEvent> {
    const match = (event: DockerEvent) => event.kind === 'container' && event.id === id && event.action === action;
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen as ContainerEvent);
    return new Promise((resolve) => this.#waiters.push({ match, resolve: (event) => resolve(event as ContainerEvent) }));
  }

  actionsFor(id: string): string[] {
    return this.events.flatMap((event) => (event.kind === 'container' && event.id === id ? [event.action] : []));
  }
}
