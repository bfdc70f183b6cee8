// ecs-local-control-plane: runs the ECS-compatible control plane until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { buildInfo, createLogger, parseGoDuration, parseLogLevel } from '@fractal-ecs/common';
import { parseEcrRegistry, parseSecretValues } from './secrets';
import { DEFAULT_ACCOUNT_ID, DEFAULT_CREDENTIALS, DEFAULT_PORT, DEFAULT_REGION, DEFAULT_TIMINGS, LocalControlPlane } from './local-control-plane';

function duration(flag: string) {
  return (value: string): number => {
    const ms = parseGoDuration(value);
    if (ms === undefined || ms <= 0) throw new InvalidArgumentError(`${flag} takes a Go duration such as 500ms or 30s, got ${JSON.stringify(value)}`);
    return ms;
  };
}

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) throw new InvalidArgumentError(`--port takes 0-65535, got ${JSON.stringify(value)}`);
  return number;
}

function level(value: string): string {
  if (!parseLogLevel(value)) throw new InvalidArgumentError(`--log-level takes debug, info, warn, error, crit or none, got ${JSON.stringify(value)}`);
  return value;
}

function ecrRegistry(value: string, previous?: Record<string, string>): Record<string, string> {
  try {
    return parseEcrRegistry(value, previous);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

const program = new Command('ecs-local-control-plane')
  .description('An ECS-compatible control plane for one machine: the ECS API, ACS and TCS on one port, SigV4-verified.')
  .version(`${buildInfo.version} (${buildInfo.gitShortHash})`)
  .option('--port <port>', 'port for the API, ACS (/ws) and TCS (/tcs/ws); 0 picks a free one', port, DEFAULT_PORT)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--data-dir <dir>', 'directory of the state file', '/var/lib/ecs-local-control-plane')
  .option('--region <region>', 'region requests must be signed for', DEFAULT_REGION)
  .option('--account-id <id>', 'account ID in ARNs', DEFAULT_ACCOUNT_ID)
  .option('--access-key-id <id>', 'the access key ID clients sign with', DEFAULT_CREDENTIALS.accessKeyId)
  .option('--secret-access-key <secret>', 'its secret (default: the AWS documentation example secret)', DEFAULT_CREDENTIALS.secretAccessKey)
  .option('--tls-cert <file>', 'PEM certificate: serve HTTPS/WSS (needs --tls-key)')
  .option('--tls-key <file>', 'PEM private key of --tls-cert')
  .option('--public-endpoint <url>', 'base URL DiscoverPollEndpoint returns (default: the Host the caller used)')
  .option('--task-role-access-key-id <id>', 'credentials handed to tasks with a task or execution role')
  .option('--task-role-secret-access-key <secret>', 'secret of --task-role-access-key-id')
  .option('--task-role-session-token <token>', 'session token of --task-role-access-key-id')
  .option('--secret-values <file>', 'JSON {parameters, secrets, ecr} the emulated SSM, Secrets Manager and ECR answer tasks with (signed with the task role credentials)')
  .option('--ecr-registry <host=registryId>', 'render images of this registry host as ECR images (registryAuthentication ecr); repeatable', ecrRegistry)
  .option('--heartbeat-interval <duration>', 'ACS and TCS heartbeat period', duration('--heartbeat-interval'), DEFAULT_TIMINGS.heartbeatIntervalMs)
  .option('--redelivery-timeout <duration>', 'resend an unacknowledged payload after this long', duration('--redelivery-timeout'), DEFAULT_TIMINGS.redeliveryTimeoutMs)
  .option('--manifest-interval <duration>', 'period of TaskManifestMessages', duration('--manifest-interval'), DEFAULT_TIMINGS.manifestIntervalMs)
  .option('--agent-update <tarball>', 'offer this agent image tarball (StageUpdate, PerformUpdate) once to each agent that connects; agents need ECS_UPDATES_ENABLED=true')
  .option('--log-level <level>', 'debug, info, warn, error, crit or none', level, 'info')
  .addHelpText(
    'after',
    `
Clients sign with SigV4 (service "ecs", the region above). Point the SDK or the agent at
http://<host>:<port> (ECS_BACKEND_HOST); DiscoverPollEndpoint then returns that base URL for ACS
and <base>/tcs for TCS.`,
  );

async function main(): Promise<void> {
  program.parse();
  const options = program.opts<{
    port: number;
    host: string;
    dataDir: string;
    region: string;
    accountId: string;
    accessKeyId: string;
    secretAccessKey: string;
    tlsCert?: string;
    tlsKey?: string;
    publicEndpoint?: string;
    taskRoleAccessKeyId?: string;
    taskRoleSecretAccessKey?: string;
    taskRoleSessionToken?: string;
    secretValues?: string;
    ecrRegistry?: Record<string, string>;
    heartbeatInterval: number;
    redeliveryTimeout: number;
    manifestInterval: number;
    agentUpdate?: string;
    logLevel: string;
  }>();
  if (Boolean(options.tlsCert) !== Boolean(options.tlsKey)) program.error('--tls-cert and --tls-key go together');
  if (Boolean(options.taskRoleAccessKeyId) !== Boolean(options.taskRoleSecretAccessKey)) {
    program.error('--task-role-access-key-id and --task-role-secret-access-key go together');
  }
  const logger = createLogger({ level: options.logLevel });
  const controlPlane = new LocalControlPlane({
    dataDir: options.dataDir,
    port: options.port,
    host: options.host,
    region: options.region,
    accountId: options.accountId,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    tls: options.tlsCert ? { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey!) } : undefined,
    publicEndpoint: options.publicEndpoint,
    taskRoleCredentials: options.taskRoleAccessKeyId
      ? { accessKeyId: options.taskRoleAccessKeyId, secretAccessKey: options.taskRoleSecretAccessKey!, sessionToken: options.taskRoleSessionToken }
      : undefined,
    secretValues: options.secretValues ? parseSecretValues(readFileSync(options.secretValues, 'utf8'), options.secretValues) : undefined,
    ecrRegistries: options.ecrRegistry,
    heartbeatIntervalMs: options.heartbeatInterval,
    redeliveryTimeoutMs: options.redeliveryTimeout,
    manifestIntervalMs: options.manifestInterval,
    agentUpdate: options.agentUpdate,
    logger,
  });
  const started = await controlPlane.start();
  logger.info({ endpoint: started.endpoint, dataDir: options.dataDir }, 'ECS local control plane listening');
  const shutdown = () => {
    controlPlane
      .stop()
      .then(() => logger.close())
      .then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: Error) => {
  console.error(`ecs-local-control-plane: ${error.message}`);
  process.exit(1);
});
