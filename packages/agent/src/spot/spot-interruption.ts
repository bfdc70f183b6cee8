/** What `spot/instance-action` announces. */
export interface SpotInterruption {
  readonly action: 'terminate' | 'stop' | 'hibernate';
  /** When EC2 will act, as IMDS wrote it (e.g. 2017-09-18T08:22:00Z). */
  readonly time: string;
}

const ACTIONS: readonly string[] = ['terminate', 'stop', 'hibernate'];

/**
 * Parses the notice as upstream does (field names in any case, as Go's JSON decoder matches them).
 * Throws an error naming the response when it is not JSON or its action is not one EC2 sends.
 */
export function parseSpotInterruption(text: string): SpotInterruption {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new Error(`spot/instance-action: expected JSON {"action","time"}, got ${JSON.stringify(text.slice(0, 200))} (${(error as Error).message})`);
  }
  const fields = new Map(typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.entries(body).map(([key, value]) => [key.toLowerCase(), value]) : []);
  const action = fields.get('action');
  if (typeof action !== 'string' || !ACTIONS.includes(action)) {
    throw new Error(`spot/instance-action: action: expected terminate, stop or hibernate, got ${JSON.stringify(action ?? null)} in ${JSON.stringify(text.slice(0, 200))}`);
  }
  const time = fields.get('time');
  return { action: action as SpotInterruption['action'], time: typeof time === 'string' ? time : '' };
}
