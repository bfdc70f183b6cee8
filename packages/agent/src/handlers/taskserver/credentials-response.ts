// GET /v1/credentials?id=<id> and /v2/credentials/<id>: the task-role credentials ACS delivered. The
// credentials ID is the capability: it is only ever in its own task's environment, a wrong one is
// answered as unknown, and a stopped task's credentials are gone.
import type { RoleType, TaskRoleCredentials } from '../../credentials';
import type { CredentialsErrorCode, CredentialsErrorResponse, CredentialsResponse } from '../../wire';

/** What the endpoint reads (TaskCredentialsStore implements it). */
export interface CredentialsSource {
  get(credentialsId: string): TaskRoleCredentials | undefined;
}

export interface CredentialsAnswer {
  readonly status: number;
  readonly body: CredentialsResponse | CredentialsErrorResponse;
  /** For the audit log. */
  readonly taskArn: string | undefined;
  readonly roleType: RoleType | undefined;
}

/**
 * The answer for one credentials ID. `refused` says whether the owning task's credentials are off
 * limits (it stopped, or the caller is another task): they are then answered like an unknown ID.
 */
export function credentialsAnswer(version: 1 | 2, credentialsId: string, source: CredentialsSource, refused: (taskArn: string) => boolean): CredentialsAnswer {
  const prefix = `CredentialsV${version}Request: `;
  const failure = (status: number, code: CredentialsErrorCode, message: string): CredentialsAnswer => ({
    status,
    body: { code, message: prefix + message, HTTPErrorCode: status },
    taskArn: undefined,
    roleType: undefined,
  });
  if (credentialsId === '') return failure(400, 'NoIdInRequest', 'No ID in the request');
  const credentials = source.get(credentialsId);
  if (!credentials || refused(credentials.taskArn)) return failure(400, 'InvalidIdInRequest', 'ID not found');
  if (!credentials.accessKeyId && !credentials.secretAccessKey && !credentials.sessionToken) {
    // Upstream: known ID, nothing in it yet (a restart still reconciling).
    return failure(503, 'CredentialsUninitialized', 'Credentials uninitialized for ID');
  }
  return {
    status: 200,
    body: {
      RoleArn: credentials.roleArn ?? '',
      AccessKeyId: credentials.accessKeyId ?? '',
      SecretAccessKey: credentials.secretAccessKey?.reveal() ?? '',
      Token: credentials.sessionToken?.reveal() ?? '',
      Expiration: credentials.expiration ?? '',
    },
    taskArn: credentials.taskArn,
    roleType: credentials.roleType,
  };
}
