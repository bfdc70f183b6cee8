// The signed-websocket machinery ACS and TCS share: SigV4 handshake headers, the connection, the
// inactivity timeout and the reconnect loop with upstream's backoff.
export { DeadlineTimer, heartbeatDeadlineMs } from './deadline-timer';
export { createRequestSigner, type AwsCredentials, type CredentialsProvider, type RequestSigner } from './request-signer';
export { HandshakeError, wsConnector, type CloseInfo, type WsConnection, type WsConnector } from './connection';
export { isCleanClose, type SessionEnd } from './session-end';
export { serveConnection, type ServeOptions, type SessionControl } from './serve-connection';
export { runReconnectLoop, type ReconnectLoopOptions, type SessionAttempt } from './reconnect-loop';
export { endpointUrl } from './endpoint-url';
