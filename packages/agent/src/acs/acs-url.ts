import { endpointUrl } from '../wsclient';
import { ACS_DOCKER_VERSION_PREFIX, ACS_PATH, AcsQuery } from '../wire';

export interface AcsUrlParameters {
  /** The configured cluster, name or ARN, as configured. */
  readonly cluster: string;
  readonly containerInstanceArn: string;
  readonly agentVersion: string;
  /** Git short hash, `*`-prefixed for a dirty build. */
  readonly agentHash: string;
  /** Docker server version; the parameter is left out when it is unknown. */
  readonly dockerVersion: string | undefined;
  /** True only on the first successful connection after the agent started. */
  readonly sendCredentials: boolean;
}

/** Upstream's version 2 of the protocol: ACS expects HeartbeatAckRequests and closes without them. */
export const ACS_PROTOCOL_VERSION = '2';

/** `<endpoint>/ws?clusterArn=...&containerInstanceArn=...&...`, wss for https. */
export function buildAcsUrl(endpoint: string, parameters: AcsUrlParameters): URL {
  const query: [string, string][] = [
    [AcsQuery.clusterArn, parameters.cluster],
    [AcsQuery.containerInstanceArn, parameters.containerInstanceArn],
    [AcsQuery.agentHash, parameters.agentHash],
    [AcsQuery.agentVersion, parameters.agentVersion],
    [AcsQuery.seqNum, '1'],
  ];
  if (parameters.dockerVersion) query.push([AcsQuery.dockerVersion, `${ACS_DOCKER_VERSION_PREFIX}${parameters.dockerVersion}`]);
  query.push([AcsQuery.sendCredentials, String(parameters.sendCredentials)]);
  query.push([AcsQuery.protocolVersion, ACS_PROTOCOL_VERSION]);
  return endpointUrl(endpoint, ACS_PATH, query);
}
