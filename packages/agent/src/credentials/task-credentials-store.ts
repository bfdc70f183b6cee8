import { Secret } from '../config/secret';
import type { AcsIAMRoleCredentials } from '../wire';

/** TaskApplication (the task role) or TaskExecution (pulling images, logs, secrets). */
export type RoleType = 'TaskApplication' | 'TaskExecution';

/** One set of IAM role credentials ACS delivered for a task. Secrets stay wrapped so they never log. */
export interface TaskRoleCredentials {
  readonly credentialsId: string;
  readonly taskArn: string;
  readonly roleType: RoleType;
  readonly roleArn: string | undefined;
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: Secret | undefined;
  readonly sessionToken: Secret | undefined;
  /** Passed through as ACS sent it (upstream treats it as an opaque string). */
  readonly expiration: string | undefined;
}

/**
 * The credentials manager: ACS credentials by credentials ID, the ID each task role currently uses.
 * The task server (credentials endpoint) reads it in a later issue.
 */
export class TaskCredentialsStore {
  readonly #byId = new Map<string, TaskRoleCredentials>();
  readonly #byTaskRole = new Map<string, string>();

  /** Stores credentials from ACS; throws (naming the field) when they cannot be used. */
  put(taskArn: string, roleType: RoleType, credentials: AcsIAMRoleCredentials): TaskRoleCredentials {
    if (!credentials.credentialsId) throw new Error(`task ${taskArn}: roleCredentials.credentialsId: expected a credentials ID, got nothing`);
    const stored: TaskRoleCredentials = {
      credentialsId: credentials.credentialsId,
      taskArn,
      roleType,
      roleArn: credentials.roleArn,
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey === undefined ? undefined : new Secret(credentials.secretAccessKey),
      sessionToken: credentials.sessionToken === undefined ? undefined : new Secret(credentials.sessionToken),
      expiration: credentials.expiration,
    };
    const key = `${taskArn}\n${roleType}`;
    const previous = this.#byTaskRole.get(key);
    if (previous && previous !== stored.credentialsId) this.#byId.delete(previous);
    this.#byId.set(stored.credentialsId, stored);
    this.#byTaskRole.set(key, stored.credentialsId);
    return stored;
  }

  get(credentialsId: string): TaskRoleCredentials | undefined {
    return this.#byId.get(credentialsId);
  }

  forTask(taskArn: string, roleType: RoleType): TaskRoleCredentials | undefined {
    const id = this.#byTaskRole.get(`${taskArn}\n${roleType}`);
    return id === undefined ? undefined : this.#byId.get(id);
  }

  /** Forgets every role's credentials of a task (upstream removes them when the task stops). */
  removeTask(taskArn: string): void {
    for (const roleType of ['TaskApplication', 'TaskExecution'] as const) {
      const key = `${taskArn}\n${roleType}`;
      const id = this.#byTaskRole.get(key);
      if (id !== undefined) this.#byId.delete(id);
      this.#byTaskRole.delete(key);
    }
  }

  /** Task ARNs holding credentials now. */
  taskArns(): string[] {
    return [...new Set([...this.#byId.values()].map((credentials) => credentials.taskArn))];
  }
}
