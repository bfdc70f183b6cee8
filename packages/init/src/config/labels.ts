import type { Logger } from '@fractal-ecs/common';

/**
 * ECS_AGENT_LABELS: a JSON object of string values put on the agent container. Anything else is
 * logged and yields no labels at all, as upstream; an empty object means no labels.
 */
export function parseAgentLabels(value: string | undefined, log: Pick<Logger, 'error'>): Record<string, string> | undefined {
  if (value === undefined || value === '') return undefined;
  const reject = (reason: string) => {
    log.error(`Failed to decode the container labels, skipping labels. Error: ECS_AGENT_LABELS=${value}: ${reason}`);
    return undefined;
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return reject('not valid JSON');
  }
  if (parsed === null) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return reject('expected a JSON object of string values');
  const labels: Record<string, string> = {};
  for (const [key, label] of Object.entries(parsed)) {
    if (typeof label !== 'string') return reject(`label ${JSON.stringify(key)} is not a string`);
    labels[key] = label;
  }
  return Object.keys(labels).length > 0 ? labels : undefined;
}
