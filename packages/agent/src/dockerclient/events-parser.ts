import { CONTAINER_ACTIONS, type ContainerAction, type ContainerEvent, type HealthStatus } from './docker-events';

/** The fields of a line of GET /events we read (API 1.22+ shape). */
interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  status?: string;
  id?: string;
  time?: number;
}

const ACTIONS: ReadonlySet<string> = new Set(CONTAINER_ACTIONS);
const HEALTH: ReadonlySet<string> = new Set(['starting', 'healthy', 'unhealthy']);

const TIME_NANO = /"timeNano"\s*:\s*(\d+)/;

/**
 * Turns one line of GET /events into a ContainerEvent, or undefined for what the engine ignores
 * (non-container objects, actions it does not act on, malformed lines). timeNano is read from the text:
 * it exceeds a double's precision, and the stream resumes from it exactly.
 */
export function parseContainerEvent(line: string): ContainerEvent | undefined {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const raw = message as RawEvent;
  if ((raw.Type ?? 'container') !== 'container') return undefined;
  const fullAction = raw.Action ?? raw.status;
  const id = raw.Actor?.ID ?? raw.id;
  if (typeof fullAction !== 'string' || typeof id !== 'string' || id === '') return undefined;
  // "health_status: healthy", "exec_start: sh -c ..." carry a detail after the colon.
  const colon = fullAction.indexOf(':');
  const action = colon < 0 ? fullAction : fullAction.slice(0, colon);
  if (!ACTIONS.has(action)) return undefined;
  const detail = colon < 0 ? '' : fullAction.slice(colon + 1).trim();
  const attributes = raw.Actor?.Attributes ?? {};
  const timeNano = eventTimeNano(line, raw);
  const event: ContainerEvent = {
    kind: 'container',
    action: action as ContainerAction,
    id,
    time: new Date(Number(timeNano / 1_000_000n)),
    timeNano,
    attributes,
    ...(action === 'die' && integer(attributes.exitCode) !== undefined ? { exitCode: integer(attributes.exitCode) } : {}),
    ...(action === 'kill' && integer(attributes.signal) !== undefined ? { signal: integer(attributes.signal) } : {}),
    ...(action === 'health_status' && HEALTH.has(detail) ? { health: detail as HealthStatus } : {}),
  };
  return event;
}

function eventTimeNano(line: string, raw: RawEvent): bigint {
  const exact = TIME_NANO.exec(line);
  if (exact) return BigInt(exact[1]!);
  return BigInt(Math.trunc(raw.time ?? 0)) * 1_000_000_000n;
}

function integer(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  return Number(text);
}
