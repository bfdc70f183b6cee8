// TCS, the telemetry session: signed PublishMetricsRequest / PublishHealthRequest frames every 20 s.
export { TcsClient, type TcsClientOptions } from './tcs-client';
export { DEFAULT_TCS_TIMINGS, type TcsTimings } from './tcs-timings';
export { buildTcsUrl, type TcsUrlParameters } from './tcs-url';
export { buildHealthRequests, buildMetricsRequests, type TelemetryInstance } from './publish-requests';
export { signTcsFrame } from './signed-frame';
export { emptyTelemetrySource, type TelemetrySource } from './telemetry-source';
