import { endpointUrl } from '../wsclient';
import { TCS_PATH, TcsQuery } from '../wire';

export interface TcsUrlParameters {
  readonly cluster: string;
  readonly containerInstanceArn: string;
  readonly agentVersion: string;
  readonly agentHash: string;
  /** Raw Docker server version (no "DockerVersion: " prefix, unlike ACS); left out when unknown. */
  readonly dockerVersion: string | undefined;
}

export function buildTcsUrl(endpoint: string, parameters: TcsUrlParameters): URL {
  const query: [string, string][] = [
    [TcsQuery.cluster, parameters.cluster],
    [TcsQuery.containerInstance, parameters.containerInstanceArn],
    [TcsQuery.agentVersion, parameters.agentVersion],
    [TcsQuery.agentHash, parameters.agentHash],
  ];
  if (parameters.dockerVersion) query.push([TcsQuery.dockerVersion, parameters.dockerVersion]);
  return endpointUrl(endpoint, TCS_PATH, query);
}
