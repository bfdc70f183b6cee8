// Errors in the shape the ECS JSON protocol uses, so SDK clients raise the same exception classes
// they would against AWS.
export type EcsErrorType =
  | 'ClientException'
  | 'InvalidParameterException'
  | 'ClusterNotFoundException'
  | 'ServerException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'AccessDeniedException'
  | 'MissingAuthenticationTokenException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException'
  | 'IncompleteSignatureException';

export class EcsApiError extends Error {
  constructor(
    readonly type: EcsErrorType,
    message: string,
    readonly status = type === 'ServerException' ? 500 : 400,
  ) {
    super(message);
  }
}

export function invalidParameter(message: string): EcsApiError {
  return new EcsApiError('InvalidParameterException', message);
}

export function clusterNotFound(): EcsApiError {
  return new EcsApiError('ClusterNotFoundException', 'Cluster not found.');
}
