import { execFileSync } from 'node:child_process';
import { CreateClusterCommand, RunTaskCommand, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import { startControlPlane, waitFor } from '../agent-harness';
import { buildTaggedBusyboxImage, removeImages } from '../support/busybox-image';
import { EngineTestBed, freePort, type AgentHandle } from '../engine/engine-harness';
import { RecordingProxy } from '../engine/recording-proxy';

// The task server through the local control plane and the real Docker engine. Tasks reach the agent
// at 169.254.170.2 only through ecs-init's iptables rules, which tests do not add to the host: the
// task server listens on 127.0.0.1 (on a free port here), and the probe tasks use the host network,
// so they reach it at 127.0.0.1:<port> with the paths from their ECS_CONTAINER_METADATA_URI(_V4) and
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI variables.

const IMAGE = 'fractal-endpoints-probe:latest';
const ROLE = { accessKeyId: 'AKIDTASKROLE', secretAccessKey: 'task-role-secret', sessionToken: 'task-role-token' };
const ADDRESS = 'http://169.254.170.2';

/** A test bed whose control plane hands out task role credentials. */
class EndpointsTestBed extends EngineTestBed {
  override async start(): Promise<this> {
    this.harness = await startControlPlane({ taskRoleCredentials: ROLE });
    this.proxy = new RecordingProxy(this.harness.port);
    this.endpoint = await this.proxy.start();
    await this.harness.api.send(new CreateClusterCommand({ clusterName: this.cluster }));
    return this;
  }
}

/** Prints `NAME <status> <body>` per request (busybox wget prints the status only on errors), then waits. */
const PROBE = `
B=http://127.0.0.1:$TASK_SERVER_PORT
M3=\${ECS_CONTAINER_METADATA_URI#${ADDRESS}}
M4=\${ECS_CONTAINER_METADATA_URI_V4#${ADDRESS}}
probe() { out=$(wget -q -O- "$B$2" 2>&1) && echo "$1 200 $out" || echo "$1 ERR $out"; }
# The process can run before the agent has seen the start: wait for RUNNING, one request a second (the
# path's steady rate, so its burst is still there for the V3 probe).
for i in $(seq 60); do wget -q -O- "$B$M3" 2>/dev/null | grep -q '"KnownStatus":"RUNNING"' && break; sleep 1; done
probe V3 "$M3"
probe V3TASK "$M3/task"
probe V3STATS "$M3/stats"
probe V4 "$M4"
probe V4TASK "$M4/task"
probe V4STATS "$M4/stats"
probe V4TASKSTATS "$M4/task/stats"
probe CREDS "$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
probe OTHER "$OTHER_CREDENTIALS_URI"
probe MADEUP /v2/credentials/not-a-credentials-id
for i in 1 2 3 4 5 6; do probe BURST "$M4/task"; done
echo DONE
sleep 600
`;

const definition = (family: string): RegisterTaskDefinitionCommandInput => ({
  family,
  networkMode: 'host',
  taskRoleArn: 'arn:aws:iam::123456789012:role/probe',
  containerDefinitions: [
    { name: 'probe', image: IMAGE, essential: true, memory: 64, command: ['sh', '-c', PROBE], logConfiguration: { logDriver: 'json-file', options: { 'max-size': '1m' } } },
  ],
});

let bed: EndpointsTestBed;
let agent: AgentHandle;
let port: number;

beforeAll(async () => {
  await buildTaggedBusyboxImage([IMAGE]);
  bed = await new EndpointsTestBed().start();
  port = await freePort();
  // Burst 3 and 1 per second: the six BURST requests of one path must run into 429.
  agent = bed.startAgent({ ECS_CONTAINER_STOP_TIMEOUT: '1s', ECS_TASK_METADATA_RPS_LIMIT: '1,3', ECS_AUDIT_LOGFILE_DISABLED: 'true' }, { taskServerPort: port });
  await bed.waitForEngine(agent);
}, 60_000);

afterAll(async () => {
  await bed?.cleanup();
  removeImages([IMAGE]);
});

function containerOf(taskArn: string): { id: string; env: Record<string, string> } {
  const id = execFileSync('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=com.amazonaws.ecs.task-arn=${taskArn}`], { encoding: 'utf8' }).trim();
  const env = JSON.parse(execFileSync('docker', ['inspect', '--format', '{{json .Config.Env}}', id], { encoding: 'utf8' })) as string[];
  return { id, env: Object.fromEntries(env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])) };
}

async function probeOutput(containerId: string): Promise<Map<string, string[]>> {
  const logs = await waitFor(
    'the probe to finish',
    () => {
      const text = execFileSync('docker', ['logs', containerId], { encoding: 'utf8' });
      return text.includes('DONE') ? text : undefined;
    },
    60_000,
  );
  const lines = new Map<string, string[]>();
  for (const line of logs.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const name = line.slice(0, space);
    lines.set(name, [...(lines.get(name) ?? []), line.slice(space + 1)]);
  }
  return lines;
}

const body = (line: string | undefined) => JSON.parse(line!.replace(/^200 /, '')) as Record<string, unknown>;

it('a task container reads its own metadata, stats and credentials, and nothing of another task', async () => {
  // A first task, stopped: its credentials ID must be worthless afterwards.
  const [stoppedArn] = await bed.run(definition('stopped'));
  await bed.waitForStatus(stoppedArn!, 'RUNNING');
  const stoppedUri = containerOf(stoppedArn!).env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI!;
  expect(stoppedUri).toMatch(/^\/v2\/credentials\/.+/);
  expect((await fetch(`http://127.0.0.1:${port}${stoppedUri}`)).status).toBe(200);
  await bed.stopTask(stoppedArn!);
  await bed.waitForStatus(stoppedArn!, 'STOPPED');

  const family = `probe-${bed.runId}`;
  const registered = await bed.register(definition('probe'));
  const answer = await bed.harness.api.send(
    new RunTaskCommand({
      cluster: bed.cluster,
      taskDefinition: registered,
      overrides: { containerOverrides: [{ name: 'probe', environment: [{ name: 'TASK_SERVER_PORT', value: String(port) }, { name: 'OTHER_CREDENTIALS_URI', value: stoppedUri }] }] },
    }),
  );
  const taskArn = answer.tasks![0]!.taskArn!;
  await bed.waitForStatus(taskArn, 'RUNNING');
  const probe = containerOf(taskArn);
  expect(probe.env.ECS_CONTAINER_METADATA_URI).toMatch(/^http:\/\/169\.254\.170\.2\/v3\/[0-9a-f-]{36}$/);
  expect(probe.env.ECS_CONTAINER_METADATA_URI_V4).toBe(probe.env.ECS_CONTAINER_METADATA_URI!.replace('/v3/', '/v4/'));
  const out = await probeOutput(probe.id);

  expect(body(out.get('V3')?.[0])).toMatchObject({ DockerId: probe.id, Name: 'probe', Image: IMAGE, KnownStatus: 'RUNNING', DesiredStatus: 'RUNNING', Type: 'NORMAL', Limits: { CPU: 2, Memory: 64 } });
  expect(body(out.get('V3TASK')?.[0])).toMatchObject({ Cluster: bed.cluster, TaskARN: taskArn, Family: family, KnownStatus: 'RUNNING' });
  expect(body(out.get('V4')?.[0])).toMatchObject({ DockerId: probe.id, LogDriver: 'json-file', LogOptions: { 'max-size': '1m' } });
  const v4Task = body(out.get('V4TASK')?.[0]);
  expect(v4Task).toMatchObject({ TaskARN: taskArn, Containers: [expect.objectContaining({ DockerId: probe.id })] });
  // Stats answer with the last sample (this agent runs with ECS_DISABLE_METRICS: none, so null / {}).
  expect(out.get('V3STATS')?.[0]).toBe('200 null');
  expect(body(out.get('V4STATS')?.[0])).toEqual({});
  expect(body(out.get('V4TASKSTATS')?.[0])).toEqual({ [probe.id]: {} });

  expect(body(out.get('CREDS')?.[0])).toEqual({
    RoleArn: 'arn:aws:iam::123456789012:role/probe',
    AccessKeyId: ROLE.accessKeyId,
    SecretAccessKey: ROLE.secretAccessKey,
    Token: ROLE.sessionToken,
    Expiration: expect.any(String),
  });
  expect(out.get('OTHER')?.[0]).toMatch(/^ERR .*400 Bad Request/);
  expect(out.get('MADEUP')?.[0]).toMatch(/^ERR .*400 Bad Request/);

  // V4TASK used one token of the path's burst of 3; two more pass, then 429.
  const burst = out.get('BURST')!;
  expect(burst.slice(0, 2).every((line) => line.startsWith('200 '))).toBe(true);
  expect(burst.slice(2).some((line) => /^ERR .*429 Too Many Requests/.test(line))).toBe(true);

  // The AWS SDK's own container credentials provider gets the task's credentials from the agent.
  const sdkCredentials = await fromHttp({ awsContainerCredentialsFullUri: `http://127.0.0.1:${port}${probe.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}` })();
  expect(sdkCredentials).toMatchObject({ accessKeyId: ROLE.accessKeyId, secretAccessKey: ROLE.secretAccessKey, sessionToken: ROLE.sessionToken });
  expect(sdkCredentials.expiration).toBeInstanceOf(Date);

  await bed.stopTask(taskArn);
  await bed.waitForStatus(taskArn, 'STOPPED');
  expect((await fetch(`http://127.0.0.1:${port}${probe.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}`)).status).toBe(400);
}, 120_000);

it("a bridge-mode task's v4 metadata shows its network and IP, its labels and its volumes, as Docker reports them", async () => {
  const arns = await bed.run({
    family: 'bridged',
    networkMode: 'bridge',
    volumes: [{ name: 'scratch', dockerVolumeConfiguration: { scope: 'task', driver: 'local', labels: { run: bed.runId } } }],
    containerDefinitions: [
      {
        name: 'app',
        image: IMAGE,
        essential: true,
        memory: 32,
        command: ['sleep', '600'],
        dockerLabels: { 'com.example.role': 'web' },
        mountPoints: [{ sourceVolume: 'scratch', containerPath: '/scratch' }],
      },
    ],
  });
  const taskArn = arns[0]!;
  await bed.waitForStatus(taskArn, 'RUNNING');
  const app = containerOf(taskArn);
  const inspected = JSON.parse(execFileSync('docker', ['inspect', app.id], { encoding: 'utf8' }))[0] as {
    NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
    Mounts: { Name: string; Source: string; Destination: string }[];
  };
  const ip = inspected.NetworkSettings.Networks.bridge!.IPAddress;
  expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  const volume = inspected.Mounts.find((mount) => mount.Destination === '/scratch')!;

  // Asked from the host with the container's own v4 path (a bridge caller would come through ecs-init's rules).
  const path = app.env.ECS_CONTAINER_METADATA_URI_V4!.replace(ADDRESS, '');
  const answer = await fetch(`http://127.0.0.1:${port}${path}`);
  expect(answer.status).toBe(200);
  const metadata = (await answer.json()) as Record<string, unknown>;
  expect(metadata).toMatchObject({
    DockerId: app.id,
    Networks: [{ NetworkMode: 'bridge', IPv4Addresses: [ip] }],
    Labels: { 'com.example.role': 'web', 'com.amazonaws.ecs.task-arn': taskArn, 'com.amazonaws.ecs.container-name': 'app' },
    Volumes: [{ DockerName: volume.Name, Source: volume.Source, Destination: '/scratch' }],
  });
  const task = (await (await fetch(`http://127.0.0.1:${port}${path}/task`)).json()) as { Containers: Record<string, unknown>[] };
  expect(task.Containers[0]).toMatchObject({ Networks: [{ NetworkMode: 'bridge', IPv4Addresses: [ip] }] });

  await bed.stopTask(taskArn);
  await bed.waitForStatus(taskArn, 'STOPPED');
}, 120_000);
