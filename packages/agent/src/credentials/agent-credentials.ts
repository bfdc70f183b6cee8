import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsStaticCredentials } from '../config';
import type { CredentialsProvider } from '../wsclient';

/**
 * The agent's own AWS credentials: the SDK's default chain (environment, shared credentials file,
 * container credentials, instance role), resolved once and refreshed by the SDK as they expire. The
 * environment link is taken from the loaded configuration so the environment the agent was given (not
 * only process.env) is what counts, exactly as the chain's first link would read it.
 */
export function agentCredentials(fromEnvironment: AwsStaticCredentials | undefined): CredentialsProvider {
  if (fromEnvironment) {
    const credentials = {
      accessKeyId: fromEnvironment.accessKeyId.reveal(),
      secretAccessKey: fromEnvironment.secretAccessKey.reveal(),
      ...(fromEnvironment.sessionToken ? { sessionToken: fromEnvironment.sessionToken.reveal() } : {}),
    };
    return async () => credentials;
  }
  const chain = defaultProvider();
  return () => chain();
}
