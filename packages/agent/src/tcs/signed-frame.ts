import type { RequestSigner } from '../wsclient';
import { encodeTcsFrame, formatSignedTcsFrame, type TcsAgentFrame } from '../wire';

/**
 * A TCS frame as upstream writes it: the SigV4 headers of a GET to the session URL whose body is the
 * JSON frame (in Go's canonical header case, as http.Header.Write prints them), a blank line, the JSON.
 */
export async function signTcsFrame(signer: RequestSigner, sessionUrl: URL, frame: TcsAgentFrame): Promise<string> {
  const json = encodeTcsFrame(frame);
  const signed = await signer.signGet(sessionUrl, json);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(signed)) headers[canonicalHeaderKey(key)] = value;
  return formatSignedTcsFrame(headers, json);
}

/** Go's textproto.CanonicalMIMEHeaderKey: x-amz-date -> X-Amz-Date. */
function canonicalHeaderKey(key: string): string {
  return key
    .toLowerCase()
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}
