// An ECS-compatible control plane for one machine: the ECS JSON API, ACS and TCS on one HTTP(S)
// port, all SigV4-verified against one configured key, with its state in a JSON file.
//   POST /            ECS API (X-Amz-Target)
//   GET  /ws          ACS websocket  (DiscoverPollEndpoint `endpoint`: http(s)://host:port)
//   GET  /tcs/ws      TCS websocket  (`telemetryEndpoint`: http(s)://host:port/tcs)
//   GET  /agent-updates/<token>/<file>   agent image tarballs being offered (StageUpdate location)
//   POST / form-encoded  EC2 Query API (DescribeTags, CreateTags, DeleteTags; SigV4 service "ec2")
//   PUT/GET /latest/...  instance metadata (IMDSv2) of the emulated EC2 instance
//   POST / X-Amz-Target ECR/SSM/Secrets Manager: GetAuthorizationToken, GetParameters, GetSecretValue
//   GET  /debug/state, /debug/telemetry   read-only views for tests and people
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { createLogger, systemClock, type Clock, type Logger } from '@fractal-ecs/common';
import { ACS_DOCKER_VERSION_PREFIX, AcsQuery, ECS_SIGNING_SERVICE, TcsQuery, type AcsServerFrame } from '@fractal-ecs/agent/wire';
import { WebSocketServer } from 'ws';
import { AcsHub, type AcsActivity, type AcsTimings } from './acs/acs-hub';
import { clusterName, resourceId, type ArnScope } from './arns';
import { taskDefinitionOf, type ApiContext, type RequestInfo } from './api/context';
import { flattenHeaders, handleApiRequest, safeDecode } from './api/router';
import { queryRecord, SigV4Verifier, type Credentials } from './auth/sigv4-verifier';
import { EmulatedEc2, handleEc2QueryRequest, isEc2QueryRequest, type Ec2InstanceFacts } from './ec2';
import { imdsPath, IMDS_PATH_PREFIX, InstanceMetadataService } from './imds';
import { renderAcsTask, type RoleCredentialsSource, type RoleGrant } from './render/acs-task';
import { EmulatedSecretServices, type SecretValues } from './secrets';
import { JsonFileStore } from './state/json-file-store';
import { readState, type StateData, type TaskRecord, type TelemetryRecord } from './state/model';
import { TcsHub } from './tcs/tcs-hub';
import { AgentUpdates, type UpdateOutcome } from './updates/agent-updates';

/** The AWS documentation's example key pair: obviously not a real secret. */
export const DEFAULT_CREDENTIALS: Credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '000000000000';
export const DEFAULT_PORT = 51680;
export const ACS_WS_PATH = '/ws';
export const TCS_ENDPOINT_PATH = '/tcs';
export const TCS_WS_PATH = '/tcs/ws';
export const STATE_FILE = 'control-plane-state.json';

export const DEFAULT_TIMINGS: AcsTimings = {
  heartbeatIntervalMs: 30_000,
  redeliveryTimeoutMs: 30_000,
  manifestIntervalMs: 5 * 60_000,
  missedHeartbeatsBeforeClose: 3,
};

export interface LocalControlPlaneOptions extends Partial<AcsTimings> {
  /** Where the state file lives. */
  dataDir: string;
  /** 0 picks a free port. Default 51680. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  region?: string;
  accountId?: string;
  /** The only key requests may be signed with. */
  credentials?: Credentials;
  /** PEM certificate and key: serve HTTPS/WSS instead of HTTP/WS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Base URL DiscoverPollEndpoint returns; by default the Host the caller used. */
  publicEndpoint?: string;
  /** Handed to tasks with a task or execution role; without it tasks get no role credentials. */
  taskRoleCredentials?: Omit<RoleCredentialsSource, 'expiration'> & { expiration?: string };
  /** Values the emulated ECR, SSM and Secrets Manager answer with (signed with taskRoleCredentials). */
  secretValues?: SecretValues;
  /** Registry hosts rendered as ECR registries (registryAuthentication type ecr): host -> registry ID. */
  ecrRegistries?: Record<string, string>;
  /** An agent image tarball offered (StageUpdate, then PerformUpdate) once to each agent that connects. */
  agentUpdate?: string;
  /** The EC2 instance IMDS describes; region and account come from the options above. */
  ec2Instance?: Partial<Omit<Ec2InstanceFacts, 'region' | 'accountId'>>;
  clock?: Clock;
  logger?: Logger;
}

export interface StartedControlPlane {
  port: number;
  /** Base URL of the API, e.g. http://127.0.0.1:51680 (also the ACS endpoint). */
  endpoint: string;
}

export class LocalControlPlane {
  private state!: StateData;
  private readonly store: JsonFileStore<StateData>;
  private readonly scope: ArnScope;
  private readonly timings: AcsTimings;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly verifier: SigV4Verifier;
  private readonly ec2Verifier: SigV4Verifier;
  /** Emulated ECR, SSM and Secrets Manager: tests set parameters, secrets and registry logins here. */
  readonly secretServices: EmulatedSecretServices;
  /** The emulated EC2 host: tests set tags and schedule spot interruptions here. */
  readonly ec2: EmulatedEc2;
  private readonly imds: InstanceMetadataService;
  private server?: Server;
  private acs?: AcsHub;
  private tcs?: TcsHub;
  private updates?: AgentUpdates;
  private readonly updateOffered = new Set<string>();
  private baseUrl = '';
  private readonly sockets = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Socket>();

  constructor(private readonly options: LocalControlPlaneOptions) {
    this.scope = { region: options.region ?? DEFAULT_REGION, accountId: options.accountId ?? DEFAULT_ACCOUNT_ID };
    this.timings = {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_TIMINGS.heartbeatIntervalMs,
      redeliveryTimeoutMs: options.redeliveryTimeoutMs ?? DEFAULT_TIMINGS.redeliveryTimeoutMs,
      manifestIntervalMs: options.manifestIntervalMs ?? DEFAULT_TIMINGS.manifestIntervalMs,
      missedHeartbeatsBeforeClose: options.missedHeartbeatsBeforeClose ?? DEFAULT_TIMINGS.missedHeartbeatsBeforeClose,
    };
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? createLogger({ level: 'none' });
    this.verifier = new SigV4Verifier(options.credentials ?? DEFAULT_CREDENTIALS, this.scope.region, ECS_SIGNING_SERVICE, () => this.clock.now());
    this.ec2Verifier = new SigV4Verifier(options.credentials ?? DEFAULT_CREDENTIALS, this.scope.region, 'ec2', () => this.clock.now());
    this.ec2 = new EmulatedEc2({ ...options.ec2Instance, region: this.scope.region, accountId: this.scope.accountId }, () => this.clock.now());
    this.secretServices = new EmulatedSecretServices(options.secretValues ?? {}, this.scope, options.taskRoleCredentials, () => this.clock.now());
    this.imds = new InstanceMetadataService(this.ec2, () => this.clock.now());
    this.store = new JsonFileStore(path.join(options.dataDir, STATE_FILE), () => this.state);
  }

  async start(): Promise<StartedControlPlane> {
    if (this.server) throw new Error('the control plane is already started');
    this.state = readState(await this.store.load(), this.store.file);
    // No agent is connected to a process that has just started.
    for (const record of Object.values(this.state.containerInstances)) record.instance.agentConnected = false;
    const save = () => this.store.save();
    const now = () => this.clock.now();
    const newId = () => randomUUID();
    this.acs = new AcsHub({
      ...this.timings,
      onSessionStart: (info) => this.offerConfiguredUpdate(info.containerInstanceArn),
      state: this.state,
      now,
      newId,
      save,
      logger: this.logger,
      renderTask: (task) => this.renderTask(task),
      credentialsFrames: (task) => this.credentialsFrames(task),
    });
    this.updates = new AgentUpdates({
      request: (arn, frame, timeoutMs) => this.acs!.request(arn, frame, timeoutMs),
      baseUrl: () => this.options.publicEndpoint ?? this.baseUrl,
      logger: this.logger,
    });
    this.tcs = new TcsHub({ state: this.state, verifier: this.verifier, now, save, logger: this.logger, heartbeatIntervalMs: this.timings.heartbeatIntervalMs });
    const context: ApiContext = {
      state: this.state,
      scope: this.scope,
      now,
      newId,
      dispatcher: this.acs,
      pollEndpoints: (request) => this.pollEndpoints(request),
      hasRoleCredentials: this.options.taskRoleCredentials !== undefined,
    };
    const secure = this.options.tls !== undefined;
    const server = secure ? createHttpsServer({ cert: this.options.tls!.cert, key: this.options.tls!.key }) : createHttpServer();
    server.on('request', (request, response) => {
      if (this.updates!.serve(request, response)) return;
      if (imdsPath(request.url).startsWith(IMDS_PATH_PREFIX)) return this.imds.handle(request, response);
      if (isEc2QueryRequest(request)) {
        void handleEc2QueryRequest(request, response, { ec2: this.ec2, verifier: this.ec2Verifier, onError: (error, action) => this.logger.error({ err: String(error), action }, 'EC2 action failed') });
        return;
      }
      if (this.secretServices.handles(request)) return void this.secretServices.handle(request, response);
      const pathname = new URL(request.url ?? '/', 'http://local').pathname;
      if (request.method === 'GET' && pathname.startsWith('/debug/')) {
        const body = pathname === '/debug/state' ? this.debugState() : pathname === '/debug/telemetry' ? this.state.telemetry : undefined;
        response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body ?? { message: `no debug route ${pathname}` }));
        return;
      }
      void handleApiRequest(request, response, { context, verifier: this.verifier, save, onError: (error, operation) => this.logger.error({ err: String(error), operation }, 'API operation failed') }, secure);
    });
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      this.upgrade(request, socket, head).catch((error: Error) => {
        this.logger.error({ err: error.message }, 'websocket upgrade failed');
        refuse(socket, 500, 'ServerException', 'internal error');
      });
    });
    server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.on('close', () => this.connections.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? DEFAULT_PORT, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    await this.store.save();
    const { port } = server.address() as AddressInfo;
    const host = this.options.host && this.options.host !== '0.0.0.0' && this.options.host !== '::' ? this.options.host : '127.0.0.1';
    this.baseUrl = `${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return { port, endpoint: this.baseUrl };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.acs?.closeAll();
    this.tcs?.closeAll();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of this.connections) socket.destroy();
    });
    for (const record of Object.values(this.state.containerInstances)) record.instance.agentConnected = false;
    await this.store.save();
  }

  /** What the ACS side saw from an instance's agent (acks, nacks, refused frames). */
  acsActivity(containerInstanceArn: string): AcsActivity | undefined {
    return this.acs?.activity.get(containerInstanceArn);
  }

  /** Sends a raw text frame on an instance's ACS session, e.g. a malformed one; false when it has none. */
  sendRawAcsFrame(containerInstanceArn: string, text: string): boolean {
    return this.acs?.sendRaw(containerInstanceArn, text) ?? false;
  }

  /**
   * Offers an agent image tarball to a connected agent: serves it on this port, sends StageUpdate and,
   * once that is acked, PerformUpdate. Resolves both answers (a nack carries the agent's reason).
   */
  async offerUpdate(containerInstanceArn: string, tarball: string, options: { stageTimeoutMs?: number } = {}): Promise<UpdateOutcome> {
    if (!this.updates) throw new Error('the control plane is not started');
    const record = this.state.containerInstances[containerInstanceArn];
    const cluster = record ? this.state.clusters[record.clusterName] : undefined;
    if (!record || !cluster) throw new Error(`no container instance ${containerInstanceArn}`);
    return this.updates.offer({ clusterArn: cluster.clusterArn, containerInstanceArn }, path.resolve(tarball), options.stageTimeoutMs);
  }

  /** The agentUpdate tarball, offered once per instance and run: the updated agent reconnects. */
  private offerConfiguredUpdate(containerInstanceArn: string): void {
    const tarball = this.options.agentUpdate;
    if (!tarball || this.updateOffered.has(containerInstanceArn)) return;
    this.updateOffered.add(containerInstanceArn);
    this.offerUpdate(containerInstanceArn, tarball).then(
      (outcome) => this.logger.info({ containerInstance: containerInstanceArn, stage: outcome.stage, perform: outcome.perform }, 'agent update offered'),
      (error: Error) => this.logger.error({ containerInstance: containerInstanceArn, err: error.message }, 'agent update offer failed'),
    );
  }

  /** Payloads sent to an instance and not yet acknowledged. */
  pendingDeliveries(containerInstanceArn: string): { messageId: string; taskArn: string; attempts: number }[] {
    return (this.state.acs[containerInstanceArn]?.pending ?? []).map(({ messageId, taskArn, attempts }) => ({ messageId, taskArn, attempts }));
  }

  telemetry(containerInstanceArn: string): TelemetryRecord | undefined {
    return this.state.telemetry[containerInstanceArn];
  }

  tcsRejectedFrames(): readonly string[] {
    return this.tcs?.rejectedFrames ?? [];
  }

  private pollEndpoints(request: RequestInfo): { endpoint: string; telemetryEndpoint: string } {
    const base = (this.options.publicEndpoint ?? `${request.secure ? 'https' : 'http'}://${request.host}`).replace(/\/+$/, '');
    return { endpoint: base, telemetryEndpoint: `${base}${TCS_ENDPOINT_PATH}` };
  }

  private async upgrade(request: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    const pathname = safeDecode(url.pathname);
    if (pathname !== ACS_WS_PATH && pathname !== TCS_WS_PATH) return refuse(socket, 404, 'BadRequestException', `no websocket at ${pathname}`);
    const query = queryRecord(url.searchParams);
    const auth = await this.verifier.verify({ method: 'GET', path: pathname, query, headers: flattenHeaders(request.headers), body: '' });
    if (!auth.ok) return refuse(socket, 403, 'AccessDeniedException', `${auth.type}: ${auth.message}`);
    const isAcs = pathname === ACS_WS_PATH;
    const clusterRef = url.searchParams.get(isAcs ? AcsQuery.clusterArn : TcsQuery.cluster) ?? '';
    const instanceRef = url.searchParams.get(isAcs ? AcsQuery.containerInstanceArn : TcsQuery.containerInstance) ?? '';
    const cluster = this.state.clusters[clusterName(clusterRef)];
    if (!cluster || cluster.status !== 'ACTIVE') return refuse(socket, 400, 'InvalidClusterException', `no cluster ${JSON.stringify(clusterRef)}`);
    const instance = Object.values(this.state.containerInstances).find(
      (record) => record.clusterName === cluster.clusterName && resourceId(record.instance.containerInstanceArn) === resourceId(instanceRef),
    );
    if (!instance) return refuse(socket, 400, 'InvalidInstanceException', `no container instance ${JSON.stringify(instanceRef)} in cluster ${cluster.clusterName}`);
    if (instance.instance.status === 'INACTIVE') return refuse(socket, 400, 'InactiveInstanceException', 'the container instance is deregistered');
    const arn = instance.instance.containerInstanceArn;
    this.sockets.handleUpgrade(request, socket, head, (ws) => {
      if (isAcs) {
        const dockerVersion = url.searchParams.get(AcsQuery.dockerVersion);
        instance.instance.versionInfo = {
          ...instance.instance.versionInfo,
          agentVersion: url.searchParams.get(AcsQuery.agentVersion) ?? instance.instance.versionInfo?.agentVersion,
          agentHash: url.searchParams.get(AcsQuery.agentHash) ?? instance.instance.versionInfo?.agentHash,
          ...(dockerVersion ? { dockerVersion: dockerVersion.replace(ACS_DOCKER_VERSION_PREFIX, '') } : {}),
        };
        this.acs!.attach(ws, {
          clusterArn: cluster.clusterArn,
          containerInstanceArn: arn,
          sendCredentials: url.searchParams.get(AcsQuery.sendCredentials) === 'true',
          protocolVersion: Number(url.searchParams.get(AcsQuery.protocolVersion) ?? '1') || 1,
        });
      } else {
        this.tcs!.attach(ws, { containerInstanceArn: arn, path: pathname, query });
      }
    });
  }

  private roleGrants(task: TaskRecord): { application?: RoleGrant; execution?: RoleGrant } {
    const source = this.options.taskRoleCredentials;
    if (!source) return {};
    const definition = taskDefinitionOf({ state: this.state }, task);
    const full: RoleCredentialsSource = { ...source, expiration: source.expiration ?? new Date(this.clock.now().getTime() + 6 * 3600_000).toISOString() };
    const grants: { application?: RoleGrant; execution?: RoleGrant } = {};
    const applicationRole = task.task.overrides?.taskRoleArn ?? definition.taskRoleArn;
    const executionRole = task.task.overrides?.executionRoleArn ?? definition.executionRoleArn;
    if (applicationRole && task.credentialsIds.application) grants.application = { credentialsId: task.credentialsIds.application, roleArn: applicationRole, source: full };
    if (executionRole && task.credentialsIds.execution) grants.execution = { credentialsId: task.credentialsIds.execution, roleArn: executionRole, source: full };
    return grants;
  }

  private renderTask(task: TaskRecord) {
    return renderAcsTask({
      taskArn: task.task.taskArn,
      desiredStatus: task.task.desiredStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
      definition: taskDefinitionOf({ state: this.state }, task),
      overrides: task.task.overrides,
      accountId: this.scope.accountId,
      region: this.scope.region,
      roleCredentials: this.roleGrants(task),
      gpus: Object.fromEntries((task.task.containers ?? []).filter((container) => container.gpuIds?.length).map((container) => [container.name!, container.gpuIds!])),
      ...(this.options.ecrRegistries ? { ecrRegistries: this.options.ecrRegistries } : {}),
    });
  }

  private credentialsFrames(task: TaskRecord): AcsServerFrame[] {
    const grants = this.roleGrants(task);
    const frames: AcsServerFrame[] = [];
    for (const [roleType, grant] of [['TaskApplication', grants.application], ['TaskExecution', grants.execution]] as const) {
      if (!grant) continue;
      frames.push({
        type: 'IAMRoleCredentialsMessage',
        message: {
          messageId: randomUUID(),
          clusterArn: task.task.clusterArn,
          taskArn: task.task.taskArn,
          roleType,
          roleCredentials: {
            credentialsId: grant.credentialsId,
            roleArn: grant.roleArn,
            accessKeyId: grant.source.accessKeyId,
            secretAccessKey: grant.source.secretAccessKey,
            sessionToken: grant.source.sessionToken ?? '',
            expiration: grant.source.expiration,
          },
        },
      });
    }
    return frames;
  }

  /** The state without the frames of pending deliveries, which may carry task credentials. */
  private debugState(): unknown {
    const acs = Object.fromEntries(
      Object.entries(this.state.acs).map(([arn, record]) => [
        arn,
        { ...record, pending: record.pending.map(({ frame: _frame, ...pending }) => pending) },
      ]),
    );
    return { ...this.state, acs };
  }
}

/** Ends a refused upgrade with the ACS error-map body the agent decodes: {"<Type>":"<text>"}. */
function refuse(socket: Socket, status: number, type: string, message: string): void {
  const body = JSON.stringify({ [type]: message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
