import type { Container, Task } from '../api';
import { TaskCredentialsStore } from '../credentials/task-credentials-store';
import type { AcsRegistryAuthentication } from '../wire';
import { ManualClock } from '../../test/fakes/manual-clock';
import type { AwsCallTarget, ExecutionRoleApis } from './execution-role-apis';
import { RegistryCredentials } from './registry-credentials';

const task = { arn: 'arn:aws:ecs:us-east-1:1:task/c/t1' } as Task;
const containerOf = (image: string, registryAuthentication: AcsRegistryAuthentication) => ({ name: 'app', image, secrets: [], registryAuthentication }) as unknown as Container;
const HOUR = 3600_000;

function setUp() {
  const clock = new ManualClock();
  const calls: { op: string; target: AwsCallTarget; args: unknown[] }[] = [];
  const secrets = new Map([
    ['arn:aws:secretsmanager:eu-west-1:1:secret:login', '{"username":"robot","password":"p@ss"}'],
    ['not-json', 'robot:p@ss'],
  ]);
  const apis: ExecutionRoleApis = {
    async getAuthorizationToken(target, registryId) {
      calls.push({ op: 'ecr', target, args: [registryId] });
      return { token: Buffer.from('AWS:token-' + calls.length).toString('base64'), proxyEndpoint: 'https://1.dkr.ecr.us-east-1.amazonaws.com', expiresAt: new Date(clock.now().getTime() + 12 * HOUR) };
    },
    getParameters: () => Promise.reject(new Error('unused')),
    async getSecretValue(target, secretId) {
      calls.push({ op: 'asm', target, args: [secretId] });
      const value = secrets.get(secretId);
      if (value === undefined) throw new Error('ResourceNotFoundException');
      return value;
    },
  };
  const store = new TaskCredentialsStore();
  store.put(task.arn, 'TaskExecution', { credentialsId: 'e', roleArn: 'arn:aws:iam::1:role/exec', accessKeyId: 'AKEXEC', secretAccessKey: 's', expiration: '' });
  const instanceCredentials = async () => ({ accessKeyId: 'AKINSTANCE', secretAccessKey: 'i' });
  const registry = new RegistryCredentials({ apis, credentials: store, instanceCredentials, region: 'us-east-1', clock, random: () => 0, logger: { debug: () => undefined } });
  return { registry, calls, clock };
}

const ECR_IMAGE = '1.dkr.ecr.us-east-1.amazonaws.com/app:1';

describe('RegistryCredentials', () => {
  it('uses an ECR token with the execution role until 30 minutes before it expires, then fetches another', async () => {
    const { registry, calls, clock } = setUp();
    const container = containerOf(ECR_IMAGE, { type: 'ecr', ecrAuthData: { registryId: '1', region: 'us-east-1', endpointOverride: 'https://ecr.example', useExecutionRole: true } });
    expect(await registry.forContainer(task, container)).toEqual({ username: 'AWS', password: 'token-1', serveraddress: 'https://1.dkr.ecr.us-east-1.amazonaws.com' });
    expect(calls[0]!.target).toMatchObject({ region: 'us-east-1', endpoint: 'https://ecr.example', credentials: { accessKeyId: 'AKEXEC' } });
    expect(calls[0]!.args).toEqual(['1']);
    await clock.advance(11 * HOUR);
    expect((await registry.forContainer(task, container))?.password).toBe('token-1');
    await clock.advance(31 * 60_000);
    expect((await registry.forContainer(task, container))?.password).toBe('token-2');
  });

  it('uses the agent credentials without useExecutionRole, and refuses a token for another registry', async () => {
    const { registry, calls } = setUp();
    await registry.forContainer(task, containerOf(ECR_IMAGE, { type: 'ecr', ecrAuthData: { registryId: '1', region: 'us-east-1' } }));
    expect(await (calls[0]!.target.credentials as () => Promise<{ accessKeyId: string }>)()).toMatchObject({ accessKeyId: 'AKINSTANCE' });
    await expect(registry.forContainer(task, containerOf('2.dkr.ecr.us-east-1.amazonaws.com/app', { type: 'ecr', ecrAuthData: { registryId: '2' } }))).rejects.toThrow(
      'container app: the ECR token is for https://1.dkr.ecr.us-east-1.amazonaws.com, not for image 2.dkr.ecr.us-east-1.amazonaws.com/app',
    );
  });

  it('reads {username, password} from Secrets Manager in the ARN region; failures name the parameter, not the value', async () => {
    const { registry, calls } = setUp();
    const asm = (credentialsParameter: string) => containerOf('registry.example/app', { type: 'asm', asmAuthData: { credentialsParameter } });
    expect(await registry.forContainer(task, asm('arn:aws:secretsmanager:eu-west-1:1:secret:login'))).toEqual({ username: 'robot', password: 'p@ss' });
    expect(calls[0]!.target.region).toBe('eu-west-1');
    await expect(registry.forContainer(task, asm('missing'))).rejects.toThrow('registry credentials "missing": Secrets Manager GetSecretValue in us-east-1 failed: ResourceNotFoundException');
    const notJson = registry.forContainer(task, asm('not-json'));
    await expect(notJson).rejects.toThrow('registry credentials "not-json": the secret is not JSON {"username","password"}');
    await expect(notJson).rejects.not.toThrow(/p@ss/);
    const other = { arn: 'arn:aws:ecs:us-east-1:1:task/c/other' } as Task;
    await expect(registry.forContainer(other, asm('not-json'))).rejects.toThrow('the task has no execution role credentials');
  });
});
