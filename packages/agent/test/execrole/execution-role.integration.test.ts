import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CreateClusterCommand, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from '../../../control-plane/src';
import { startControlPlane } from '../agent-harness';
import { EngineTestBed, type AgentHandle } from '../engine/engine-harness';
import { RecordingProxy } from '../engine/recording-proxy';
import { buildBusyboxImage, docker, removeTestArtifacts } from '../support/busybox-image';
import { pushImage, startLocalRegistry, type LocalRegistry } from '../support/local-registry';

// The execution role through the local control plane, its emulated ECR / SSM / Secrets Manager and
// the real Docker engine: images come from a registry that requires a login (docker-registry with
// htpasswd), with credentials from Secrets Manager (repositoryCredentials) or an ECR token; secrets
// reach the container's environment and nowhere in the agent's log or checkpoint.
//
// The protected registry listens on 51672 (not the image manager test's 51671): both files may run
// at once, and a registry reused by port keeps the other file's password.
const REGISTRY_PORT = 51672;
const run = randomBytes(4).toString('hex');
const login = { username: 'exec-role', password: `registry-pw-${run}` };
const ROLE = { accessKeyId: 'AKIDEXECROLE', secretAccessKey: `exec-role-secret-${run}`, sessionToken: `exec-role-token-${run}` };
const ECR_REGISTRY_ID = '111122223333';
const SSM_VALUE = `ssm-value-${run}`;
const ASM_VALUE = `asm-value-${run}`;
const arnOf = (name: string) => `arn:aws:secretsmanager:${DEFAULT_REGION}:${DEFAULT_ACCOUNT_ID}:secret:${name}`;

let registry: LocalRegistry;
let image: string;
let bed: ExecutionRoleTestBed;
let agent: AgentHandle;

class ExecutionRoleTestBed extends EngineTestBed {
  override async start(): Promise<this> {
    this.harness = await startControlPlane({
      taskRoleCredentials: ROLE,
      ecrRegistries: { [registry.host]: ECR_REGISTRY_ID },
      secretValues: {
        parameters: { '/app/ssm-secret': SSM_VALUE },
        secrets: {
          'registry-login': JSON.stringify(login),
          'registry-login-wrong': JSON.stringify({ username: login.username, password: 'not-the-password' }),
          'app-json': JSON.stringify({ token: ASM_VALUE, other: 'x' }),
        },
        ecr: { [ECR_REGISTRY_ID]: { ...login, proxyEndpoint: `https://${registry.host}` } },
      },
    });
    this.proxy = new RecordingProxy(this.harness.port);
    this.endpoint = await this.proxy.start();
    await this.harness.api.send(new CreateClusterCommand({ clusterName: this.cluster }));
    return this;
  }
}

beforeAll(async () => {
  registry = await startLocalRegistry(REGISTRY_PORT, login);
  const local = `fractal-ecs-agent-test/execrole:${run}`;
  await buildBusyboxImage(local, run);
  image = `${registry.host}/execrole:${run}`;
  await pushImage(local, image, login);
  bed = await new ExecutionRoleTestBed().start();
  // `always`: every task pulls, so each one needs working registry credentials.
  agent = bed.startAgent({ ECS_IMAGE_PULL_BEHAVIOR: 'always', ECS_CONTAINER_STOP_TIMEOUT: '1s', AWS_ENDPOINT_URL: bed.harness.endpoint });
  await bed.waitForEngine(agent);
}, 90_000);

afterAll(async () => {
  await bed?.cleanup();
  await removeTestArtifacts(run, [image]);
  await registry?.stop();
});

const container = (extra: Partial<NonNullable<RegisterTaskDefinitionCommandInput['containerDefinitions']>[number]>) => ({
  name: 'app',
  image,
  essential: true,
  memory: 32,
  ...extra,
});

async function imageAbsent(): Promise<void> {
  await docker(['rmi', '-f', image]).catch(() => '');
}

/** The container's own output (docker logs), not the agent's. */
function containerOutput(taskArn: string): string {
  const id = execFileSync('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=com.amazonaws.ecs.task-arn=${taskArn}`], { encoding: 'utf8' }).trim();
  return execFileSync('docker', ['logs', id], { encoding: 'utf8' }).trim();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

it('pulls with registry credentials from Secrets Manager and gives the container its SSM and Secrets Manager secrets, which appear nowhere else', async () => {
  await imageAbsent();
  const [taskArn] = await bed.run({
    family: 'asm-pull',
    executionRoleArn: 'arn:aws:iam::000000000000:role/exec',
    containerDefinitions: [
      container({
        repositoryCredentials: { credentialsParameter: arnOf('registry-login-AbCdEf') },
        secrets: [
          { name: 'SSM_VALUE', valueFrom: '/app/ssm-secret' },
          { name: 'ASM_VALUE', valueFrom: `${arnOf('app-json-XyZ123')}:token::` },
        ],
        // Prints a digest of the values, so the test proves them without them in any log line.
        command: ['sh', '-c', 'printf "%s|%s" "$SSM_VALUE" "$ASM_VALUE" | md5sum'],
      }),
    ],
  });
  const stopped = await bed.waitForStatus(taskArn!, 'STOPPED', 90_000);
  expect(EngineTestBed.exitCodes(stopped)).toEqual({ app: 0 });
  const expected = createHash('md5').update(`${SSM_VALUE}|${ASM_VALUE}`).digest('hex');
  expect(containerOutput(taskArn!)).toBe(`${expected}  -`);

  const agentLog = agent.logger.text();
  expect(agentLog).toContain('Secrets fetched');
  const checkpoint = filesUnder(bed.harness.agentDir).map((file) => readFileSync(file, 'utf8')).join('\n');
  expect(checkpoint).toContain('/app/ssm-secret');
  for (const secret of [SSM_VALUE, ASM_VALUE, login.password, ROLE.secretAccessKey]) {
    expect(agentLog).not.toContain(secret);
    expect(checkpoint).not.toContain(secret);
  }
}, 120_000);

it('stops a task whose registry secret is missing or wrong, with a reason naming the parameter and not the value', async () => {
  await imageAbsent();
  const [missingArn] = await bed.run({
    family: 'asm-missing',
    executionRoleArn: 'arn:aws:iam::000000000000:role/exec',
    containerDefinitions: [container({ repositoryCredentials: { credentialsParameter: arnOf('no-such-login') }, command: ['true'] })],
  });
  const missing = await bed.waitForStatus(missingArn!, 'STOPPED', 90_000);
  const reason = missing.containers?.[0]?.reason ?? missing.stoppedReason ?? '';
  expect(reason).toContain('ResourceInitializationError');
  expect(reason).toContain(arnOf('no-such-login'));

  const [wrongArn] = await bed.run({
    family: 'asm-wrong',
    executionRoleArn: 'arn:aws:iam::000000000000:role/exec',
    containerDefinitions: [container({ repositoryCredentials: { credentialsParameter: arnOf('registry-login-wrong') }, command: ['true'] })],
  });
  const wrong = await bed.waitForStatus(wrongArn!, 'STOPPED', 90_000);
  expect(EngineTestBed.exitCodes(wrong)).toEqual({ app: null });
  expect(wrong.containers?.[0]?.reason ?? '').toMatch(/CannotPullContainerError.*unauthorized/);
  expect(JSON.stringify(wrong)).not.toContain('not-the-password');
}, 120_000);

it('pulls with an ECR token for a registry the control plane serves as ECR', async () => {
  await imageAbsent();
  const [taskArn] = await bed.run({
    family: 'ecr-pull',
    executionRoleArn: 'arn:aws:iam::000000000000:role/exec',
    containerDefinitions: [container({ command: ['sh', '-c', 'echo pulled-from-ecr'] })],
  });
  const stopped = await bed.waitForStatus(taskArn!, 'STOPPED', 90_000);
  expect(EngineTestBed.exitCodes(stopped)).toEqual({ app: 0 });
  expect(containerOutput(taskArn!)).toBe('pulled-from-ecr');
  expect(agent.logger.text()).not.toContain(login.password);
}, 120_000);
