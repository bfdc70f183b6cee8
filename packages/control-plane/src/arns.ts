// ARNs in ECS's long format, and reading a name or an ID back out of whatever a caller passes
// (APIs accept either the short name/ID or the full ARN).
export interface ArnScope {
  region: string;
  accountId: string;
}

export function clusterArn(scope: ArnScope, name: string): string {
  return `arn:aws:ecs:${scope.region}:${scope.accountId}:cluster/${name}`;
}

export function containerInstanceArn(scope: ArnScope, cluster: string, id: string): string {
  return `arn:aws:ecs:${scope.region}:${scope.accountId}:container-instance/${cluster}/${id}`;
}

export function taskArn(scope: ArnScope, cluster: string, id: string): string {
  return `arn:aws:ecs:${scope.region}:${scope.accountId}:task/${cluster}/${id}`;
}

export function containerArn(scope: ArnScope, cluster: string, taskId: string, id: string): string {
  return `arn:aws:ecs:${scope.region}:${scope.accountId}:container/${cluster}/${taskId}/${id}`;
}

export function taskDefinitionArn(scope: ArnScope, family: string, revision: number): string {
  return `arn:aws:ecs:${scope.region}:${scope.accountId}:task-definition/${family}:${revision}`;
}

/** `default`, `arn:...:cluster/default` -> `default`. */
export function clusterName(nameOrArn: string): string {
  const match = /^arn:[^:]+:ecs:[^:]*:[^:]*:cluster\/(.+)$/.exec(nameOrArn);
  return match ? match[1]! : nameOrArn;
}

/** The last path element of an ARN (a task or container-instance ID), or the input itself. */
export function resourceId(idOrArn: string): string {
  if (!idOrArn.startsWith('arn:')) return idOrArn;
  return idOrArn.slice(idOrArn.lastIndexOf('/') + 1);
}

/** `family`, `family:3` or a task-definition ARN -> family and optional revision. */
export function parseTaskDefinitionRef(ref: string): { family: string; revision?: number } | undefined {
  const body = ref.startsWith('arn:') ? /:task-definition\/(.+)$/.exec(ref)?.[1] : ref;
  if (!body) return undefined;
  const match = /^([A-Za-z0-9_-]{1,255})(?::(\d+))?$/.exec(body);
  if (!match) return undefined;
  return match[2] === undefined ? { family: match[1]! } : { family: match[1]!, revision: Number(match[2]) };
}
