// TCS, the telemetry service (model `ecstcs`, 2015-03-10): the agent publishes task metrics and
// container health on a second websocket. Every frame the agent sends is signed on its own: the
// SigV4-signed headers of a GET to the session URL whose body is the JSON frame, as `Key: value`
// lines, a blank line, then the JSON.
import { encodeFrame, parseFrame, type FrameOf, type ParseResult } from './envelope';
import { arr, bool, int, num, obj, opt, str, type Infer } from './schema';

/** Path appended to the telemetry endpoint (a `/` is inserted if missing). */
export const TCS_PATH = 'ws';

/** Query parameters of the TCS websocket URL; dockerVersion has no "DockerVersion: " prefix here. */
export const TcsQuery = {
  cluster: 'cluster',
  containerInstance: 'containerInstance',
  agentVersion: 'agentVersion',
  agentHash: 'agentHash',
  dockerVersion: 'dockerVersion',
} as const;

/** Tasks per PublishMetricsRequest / PublishHealthRequest; the last chunk carries fin:true. */
export const TCS_TASKS_PER_MESSAGE = 10;

const cwStatsSet = obj({ min: opt(num), max: opt(num), sampleCount: opt(int), sum: opt(num) });
/** Same fields, all present and non-negative in practice. */
const uDoubleCWStatsSet = obj({ min: num, max: num, sampleCount: int, sum: num });
/** int64 values; one above MaxInt64 is sent as MaxInt64 with the remainder in overflow*. */
const uLongStatsSet = obj({
  min: opt(int),
  max: opt(int),
  sampleCount: opt(int),
  sum: opt(int),
  overflowMin: opt(int),
  overflowMax: opt(int),
  overflowSum: opt(int),
});

const networkStatsSet = obj({
  rxBytes: opt(uLongStatsSet),
  rxDropped: opt(uLongStatsSet),
  rxErrors: opt(uLongStatsSet),
  rxPackets: opt(uLongStatsSet),
  txBytes: opt(uLongStatsSet),
  txDropped: opt(uLongStatsSet),
  txErrors: opt(uLongStatsSet),
  txPackets: opt(uLongStatsSet),
  rxBytesPerSecond: opt(uDoubleCWStatsSet),
  txBytesPerSecond: opt(uDoubleCWStatsSet),
});

const storageStatsSet = obj({ readSizeBytes: opt(uLongStatsSet), writeSizeBytes: opt(uLongStatsSet) });

const containerMetric = obj({
  containerArn: opt(str),
  containerName: opt(str),
  /** Percent of all cores (100 = every core busy). */
  cpuStatsSet: opt(cwStatsSet),
  /** MiB. */
  memoryStatsSet: opt(cwStatsSet),
  networkStatsSet: opt(networkStatsSet),
  storageStatsSet: opt(storageStatsSet),
});

const taskMetric = obj({
  taskArn: opt(str),
  taskDefinitionFamily: opt(str),
  taskDefinitionVersion: opt(str),
  containerMetrics: opt(arr(containerMetric)),
});

const metricsMetadata = obj({
  cluster: opt(str),
  containerInstance: opt(str),
  messageId: opt(str),
  /** No task has containers: a single message with no metrics. */
  idle: opt(bool),
  /** Last chunk of this publication. */
  fin: opt(bool),
});

const containerHealth = obj({
  containerName: opt(str),
  /** HEALTHY, UNHEALTHY or UNKNOWN. */
  healthStatus: opt(str),
  statusSince: opt(num),
});

const taskHealth = obj({
  taskArn: opt(str),
  taskDefinitionFamily: opt(str),
  taskDefinitionVersion: opt(str),
  containers: opt(arr(containerHealth)),
});

const healthMetadata = obj({ cluster: opt(str), containerInstance: opt(str), messageId: opt(str), fin: opt(bool) });
const messageBody = obj({ message: opt(str) });

export const TCS_ERROR_TYPES = [
  'ServerException',
  'BadRequestException',
  'ResourceValidationException',
  'InvalidParameterException',
] as const;

/** Server to agent. */
export const tcsServerCatalog = {
  HeartbeatMessage: obj({ healthy: opt(bool) }),
  AckPublishMetric: messageBody,
  AckPublishHealth: messageBody,
  StopTelemetrySessionMessage: messageBody,
  ServerException: messageBody,
  BadRequestException: messageBody,
  ResourceValidationException: messageBody,
  InvalidParameterException: messageBody,
};

/** Agent to server. */
export const tcsAgentCatalog = {
  PublishMetricsRequest: obj({ metadata: opt(metricsMetadata), taskMetrics: opt(arr(taskMetric)), timestamp: opt(num) }),
  PublishHealthRequest: obj({ metadata: opt(healthMetadata), tasks: opt(arr(taskHealth)), timestamp: opt(num) }),
  StartTelemetrySessionRequest: obj({ cluster: opt(str), containerInstance: opt(str) }),
};

export type CWStatsSet = Infer<typeof cwStatsSet>;
export type UDoubleCWStatsSet = Infer<typeof uDoubleCWStatsSet>;
export type ULongStatsSet = Infer<typeof uLongStatsSet>;
export type NetworkStatsSet = Infer<typeof networkStatsSet>;
export type StorageStatsSet = Infer<typeof storageStatsSet>;
export type ContainerMetric = Infer<typeof containerMetric>;
export type TaskMetric = Infer<typeof taskMetric>;
export type MetricsMetadata = Infer<typeof metricsMetadata>;
export type ContainerHealth = Infer<typeof containerHealth>;
export type TaskHealth = Infer<typeof taskHealth>;
export type HealthMetadata = Infer<typeof healthMetadata>;

type ServerCatalog = typeof tcsServerCatalog;
type AgentCatalog = typeof tcsAgentCatalog;
export type TcsHeartbeatMessage = Infer<ServerCatalog['HeartbeatMessage']>;
export type AckPublishMetric = Infer<ServerCatalog['AckPublishMetric']>;
export type AckPublishHealth = Infer<ServerCatalog['AckPublishHealth']>;
export type StopTelemetrySessionMessage = Infer<ServerCatalog['StopTelemetrySessionMessage']>;
export type TcsException = Infer<ServerCatalog['ServerException']>;
export type PublishMetricsRequest = Infer<AgentCatalog['PublishMetricsRequest']>;
export type PublishHealthRequest = Infer<AgentCatalog['PublishHealthRequest']>;
export type StartTelemetrySessionRequest = Infer<AgentCatalog['StartTelemetrySessionRequest']>;

export type TcsServerFrame = FrameOf<ServerCatalog>;
export type TcsAgentFrame = FrameOf<AgentCatalog>;

/** For the agent: decode a frame received from TCS (these are not signed). */
export function parseTcsServerFrame(text: string): ParseResult<TcsServerFrame> {
  return parseFrame(text, tcsServerCatalog, TCS_ERROR_TYPES);
}

/** For the backend: decode the JSON part of an agent frame (see splitSignedTcsFrame). */
export function parseTcsAgentFrame(text: string): ParseResult<TcsAgentFrame> {
  return parseFrame(text, tcsAgentCatalog, TCS_ERROR_TYPES);
}

export function encodeTcsFrame(frame: TcsServerFrame | TcsAgentFrame): string {
  return encodeFrame(frame);
}

/**
 * Builds the text of a signed agent frame: each header as `Key: value\r\n` in key order (as Go's
 * http.Header.Write does), a blank line, then the JSON. `headers` are the signed request's,
 * including Host.
 */
export function formatSignedTcsFrame(headers: Record<string, string>, json: string): string {
  const lines = Object.keys(headers)
    .sort()
    .map((key) => `${key}: ${headers[key]!.replace(/[\r\n]+/g, ' ')}\r\n`);
  return `${lines.join('')}\r\n${json}`;
}

export type SignedTcsFrame =
  | { ok: true; headers: Record<string, string>; json: string }
  | { ok: false; error: string };

/** Splits a signed agent frame into its headers (keys lower-cased) and its JSON body. */
export function splitSignedTcsFrame(text: string): SignedTcsFrame {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { ok: false, error: 'frame: expected signed headers, a blank line and JSON, got no blank line' };
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, end).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, error: `frame: expected a "Key: value" header line, got ${JSON.stringify(line.slice(0, 200))}` };
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // Go writes a repeated header once per value; SigV4 joins them with commas.
    headers[key] = key in headers ? `${headers[key]},${value}` : value;
  }
  return { ok: true, headers, json: text.slice(end + 4) };
}
