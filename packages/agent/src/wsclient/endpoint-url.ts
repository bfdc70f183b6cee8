/**
 * The websocket URL of a DiscoverPollEndpoint answer: `<endpoint>` + `ws` (with a `/` inserted when
 * missing), https turned into wss and http into ws, then the query parameters in the given order.
 */
export function endpointUrl(endpoint: string, path: string, query: readonly (readonly [string, string])[]): URL {
  const base = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  const url = new URL(`${base}${path}`);
  if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol !== 'wss:' && url.protocol !== 'ws:') throw new Error(`endpoint ${JSON.stringify(endpoint)}: expected an http(s) or ws(s) URL`);
  for (const [key, value] of query) url.searchParams.append(key, value);
  return url;
}
