// The credentials audit log (ECS_AUDIT_LOGFILE, default /log/audit.log): one line per credentials
// request and per throttled request, in upstream's version-2 format:
//   <time> <status> <source ip:port> "<path>" "<user agent>" <task arn> <event type> 2 <cluster> <instance arn>
// Throttled and unknown-role lines end after the ARN (upstream writes an empty event part).
import { openRollingFile, type Clock } from '@fractal-ecs/common';
import type { RoleType } from '../../credentials';

const AUDIT_LOG_VERSION = 2;
const V2_CREDENTIALS_PATH = '/v2/credentials';

export type AuditEventType = 'GetCredentials' | 'GetCredentialsExecutionRole' | '';

export function auditEventType(roleType: RoleType | undefined): AuditEventType {
  if (roleType === 'TaskApplication') return 'GetCredentials';
  if (roleType === 'TaskExecution') return 'GetCredentialsExecutionRole';
  return '';
}

export interface AuditRequest {
  /** Go's RemoteAddr: `ip:port`, `[ipv6]:port`. */
  readonly remoteAddress: string;
  /** The request path without the query. */
  readonly path: string;
  readonly userAgent: string;
}

export interface AuditIdentity {
  readonly cluster: string;
  readonly containerInstanceArn: string | undefined;
}

/** One audit line (without the newline). The credentials ID in a v2 path is a secret and is never written. */
export function auditLine(at: Date, request: AuditRequest, status: number, arn: string | undefined, eventType: AuditEventType, identity: AuditIdentity): string {
  const path = request.path.startsWith(`${V2_CREDENTIALS_PATH}/`) ? V2_CREDENTIALS_PATH : request.path;
  const common = [at.toISOString().slice(0, 19) + 'Z', String(status), orDash(request.remoteAddress), `"${path}"`, `"${request.userAgent}"`, orDash(arn)].join(' ');
  const typed = eventType === '' ? '' : [eventType, String(AUDIT_LOG_VERSION), orDash(identity.cluster), orDash(identity.containerInstanceArn)].join(' ');
  return `${common} ${typed}`;
}

function orDash(value: string | undefined): string {
  return value ? value : '-';
}

export interface AuditLog {
  log(request: AuditRequest, status: number, arn: string | undefined, eventType: AuditEventType): void;
  close(): Promise<void>;
}

export interface AuditLogOptions {
  readonly clock: Clock;
  readonly identity: () => AuditIdentity;
  /** ECS_AUDIT_LOGFILE; empty: console only. */
  readonly file: string;
  /** ECS_AUDIT_LOGFILE_DISABLED. */
  readonly disabled: boolean;
  /** Upstream also prints each line on the agent's console. */
  readonly console: boolean;
  /** The agent log's rollover settings, which upstream applies to the audit file too. */
  readonly rollover: 'hourly' | 'size';
  readonly maxFileSizeMB: number;
  readonly maxRollCount: number;
}

export function createAuditLog(options: AuditLogOptions): AuditLog {
  if (options.disabled) return { log: () => undefined, close: async () => undefined };
  // Opened at the first line: an agent no task asks for credentials creates no file.
  let file: ReturnType<typeof openRollingFile> | undefined;
  return {
    log(request, status, arn, eventType) {
      const line = `${auditLine(options.clock.now(), request, status, arn, eventType, options.identity())}\n`;
      if (options.file && !file) file = openRollingFile({ file: options.file, rollover: options.rollover, maxFileSizeMB: options.maxFileSizeMB, maxRollCount: options.maxRollCount });
      file?.write(line);
      if (options.console) process.stdout.write(line);
    },
    close: () => new Promise<void>((resolve) => (file ? file.end(() => resolve()) : resolve())),
  };
}
