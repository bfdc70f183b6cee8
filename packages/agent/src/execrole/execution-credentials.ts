import type { Task } from '../api';
import type { TaskCredentialsStore } from '../credentials/task-credentials-store';
import type { AwsCallTarget } from './execution-role-apis';

/** The credentials store as far as the execution role goes. */
export type ExecutionCredentialsSource = Pick<TaskCredentialsStore, 'forTask'>;

/** The task's current execution-role credentials (ACS refreshes them) as an AWS call target, if it has any. */
export function executionTarget(source: ExecutionCredentialsSource, task: Task, region: string, endpoint?: string): AwsCallTarget | undefined {
  const credentials = source.forTask(task.arn, 'TaskExecution');
  if (!credentials?.accessKeyId || !credentials.secretAccessKey) return undefined;
  const sessionToken = credentials.sessionToken?.reveal();
  return {
    region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey.reveal(),
      ...(sessionToken ? { sessionToken } : {}),
    },
    ...(endpoint ? { endpoint } : {}),
  };
}
