export { CredentialsProxyRoute, type CredentialsProxyRouteDeps } from './credentials-proxy-route';
export type { NetfilterSettings } from './credentials-proxy-rules';
