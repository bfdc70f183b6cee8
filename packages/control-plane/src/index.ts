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
export type { AcsActivity, AcsReply } from './acs/acs-hub';
export type { UpdateOutcome } from './updates/agent-updates';
export type { Credentials } from './auth/sigv4-verifier';
export type { EmulatedEc2, Ec2InstanceFacts, SpotAction } from './ec2';
