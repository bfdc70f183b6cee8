import type { Env } from '../config/environment';
import type { AwsCredentials, CredentialsProvider } from '../wsclient';
import { serviceEndpoint } from './aws-endpoints';

/** Where and as whom one call goes. */
export interface AwsCallTarget {
  readonly region: string;
  readonly credentials: AwsCredentials | CredentialsProvider;
  /** An endpoint the task itself names (ecrAuthData.endpointOverride); wins over the environment's. */
  readonly endpoint?: string;
}

export interface EcrAuthorization {
  /** base64 of "user:password". */
  readonly token: string;
  /** https://<registry host> the token is good for. */
  readonly proxyEndpoint: string;
  readonly expiresAt: Date;
}

/** The three AWS calls the execution role makes; the SDK's in production, fakes in unit tests. */
export interface ExecutionRoleApis {
  getAuthorizationToken(target: AwsCallTarget, registryId: string | undefined): Promise<EcrAuthorization>;
  /** Decrypted values by the name or ARN asked for; `invalid` lists those SSM does not have. */
  getParameters(target: AwsCallTarget, names: readonly string[]): Promise<{ values: Map<string, string>; invalid: string[] }>;
  getSecretValue(target: AwsCallTarget, secretId: string, version: { stage?: string; id?: string }): Promise<string>;
}

/**
 * The SDK clients, endpoints per AWS_ENDPOINT_URL_ECR / _SSM / _SECRETS_MANAGER / AWS_ENDPOINT_URL in
 * `env`. Each client is loaded on its first call: most agents never need them, and loaded at start they
 * would cost every agent their memory.
 */
export function sdkExecutionRoleApis(env: Env): ExecutionRoleApis {
  const config = (target: AwsCallTarget, service: 'ECR' | 'SSM' | 'SECRETS_MANAGER') => {
    const endpoint = target.endpoint ?? serviceEndpoint(env, service);
    return { region: target.region, credentials: target.credentials, maxAttempts: 3, ...(endpoint ? { endpoint } : {}) };
  };
  return {
    async getAuthorizationToken(target, registryId) {
      const { ECRClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
      const client = new ECRClient(config(target, 'ECR'));
      try {
        const out = await client.send(new GetAuthorizationTokenCommand(registryId ? { registryIds: [registryId] } : {}));
        const data = out.authorizationData?.[0];
        if (!data?.authorizationToken || !data.proxyEndpoint) throw new Error('GetAuthorizationToken returned no authorization data');
        return { token: data.authorizationToken, proxyEndpoint: data.proxyEndpoint, expiresAt: data.expiresAt ?? new Date(0) };
      } finally {
        client.destroy();
      }
    },
    async getParameters(target, names) {
      const { GetParametersCommand, SSMClient } = await import('@aws-sdk/client-ssm');
      const client = new SSMClient(config(target, 'SSM'));
      try {
        const values = new Map<string, string>();
        const invalid: string[] = [];
        // GetParameters takes at most 10 names per call.
        for (let i = 0; i < names.length; i += 10) {
          const out = await client.send(new GetParametersCommand({ Names: names.slice(i, i + 10), WithDecryption: true }));
          for (const parameter of out.Parameters ?? []) {
            // SSM answers with the name; callers may have asked by ARN.
            if (parameter.Value === undefined) continue;
            if (parameter.Name) values.set(parameter.Name, parameter.Value);
            if (parameter.ARN) values.set(parameter.ARN, parameter.Value);
          }
          invalid.push(...(out.InvalidParameters ?? []));
        }
        return { values, invalid };
      } finally {
        client.destroy();
      }
    },
    async getSecretValue(target, secretId, version) {
      const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
      const client = new SecretsManagerClient(config(target, 'SECRETS_MANAGER'));
      try {
        const out = await client.send(
          new GetSecretValueCommand({ SecretId: secretId, ...(version.stage ? { VersionStage: version.stage } : {}), ...(version.id ? { VersionId: version.id } : {}) }),
        );
        if (out.SecretString !== undefined) return out.SecretString;
        if (out.SecretBinary !== undefined) return Buffer.from(out.SecretBinary).toString('utf8');
        throw new Error('GetSecretValue returned no value');
      } finally {
        client.destroy();
      }
    },
  };
}
