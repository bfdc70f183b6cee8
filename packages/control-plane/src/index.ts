export {
  LocalControlPlane,
  DEFAULT_CREDENTIALS,
  DEFAULT_REGION,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_PORT,
  DEFAULT_TIMINGS,
  ACS_WS_PATH,
  TCS_WS_PATH,
  TCS_ENDPOINT_PATH,
  STATE_FILE,
  type LocalControlPlaneOptions,
  type StartedControlPlane,
} from './local-control-plane';
export type { AcsActivity } from './acs/acs-hub';
export type { Credentials } from './auth/sigv4-verifier';
