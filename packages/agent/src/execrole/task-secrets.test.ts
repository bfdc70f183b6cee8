import type { Container, Task } from '../api';
import { TaskCredentialsStore } from '../credentials/task-credentials-store';
import type { AcsSecret } from '../wire';
import type { AwsCallTarget, ExecutionRoleApis } from './execution-role-apis';
import { TaskSecrets } from './task-secrets';

const task = { arn: 'arn:aws:ecs:us-east-1:1:task/c/t1' } as Task;
const containerWith = (secrets: AcsSecret[]) => ({ name: 'app', image: 'busybox', secrets }) as unknown as Container;

function fakeApis() {
  const calls: { op: string; target: AwsCallTarget; args: unknown[] }[] = [];
  const parameters = new Map([['/db/user', 'alice'], ['arn:aws:ssm:eu-west-1:1:parameter/eu', 'euro']]);
  const secretValues = new Map([['arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf', '{"password":"hunter2","port":5432}'], ['plain', 'text-secret']]);
  const apis: ExecutionRoleApis = {
    getAuthorizationToken: () => Promise.reject(new Error('unused')),
    async getParameters(target, names) {
      calls.push({ op: 'getParameters', target, args: [names] });
      const values = new Map<string, string>();
      for (const name of names) if (parameters.has(name)) values.set(name, parameters.get(name)!);
      return { values, invalid: names.filter((name) => !parameters.has(name)) };
    },
    async getSecretValue(target, secretId, version) {
      calls.push({ op: 'getSecretValue', target, args: [secretId, version] });
      const value = secretValues.get(secretId);
      if (value === undefined) throw new Error("Secrets Manager can't find the specified secret.");
      return value;
    },
  };
  return { apis, calls };
}

function secretsWithCredentials() {
  const store = new TaskCredentialsStore();
  store.put(task.arn, 'TaskExecution', { credentialsId: 'exec-1', roleArn: 'arn:aws:iam::1:role/exec', accessKeyId: 'AKEXEC', secretAccessKey: 'exec-secret', sessionToken: 'tok', expiration: '' });
  const { apis, calls } = fakeApis();
  return { secrets: new TaskSecrets({ apis, credentials: store, region: 'us-east-1', logger: { info: () => undefined } }), calls };
}

describe('TaskSecrets', () => {
  it('puts SSM and Secrets Manager values (JSON key, version stage) in the env and log options, with the execution role', async () => {
    const { secrets, calls } = secretsWithCredentials();
    const container = containerWith([
      { name: 'DB_USER', valueFrom: '/db/user', provider: 'ssm', target: 'CONTAINER' },
      { name: 'EU', valueFrom: 'arn:aws:ssm:eu-west-1:1:parameter/eu' },
      { name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf:password:AWSPREVIOUS:', provider: 'asm' },
      { name: 'DB_PORT', valueFrom: 'arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf:port::', provider: 'asm' },
      { name: 'splunk-token', valueFrom: 'plain', provider: 'asm', target: 'LOG_DRIVER' },
    ]);
    await secrets.resolve(task, container);
    const options = secrets.apply(task, container, { Env: ['DB_USER=overridden', 'KEEP=1'], HostConfig: { LogConfig: { Type: 'splunk', Config: { 'splunk-url': 'u' } } } });
    expect(options.Env).toEqual(['KEEP=1', 'DB_USER=alice', 'EU=euro', 'DB_PASSWORD=hunter2', 'DB_PORT=5432']);
    expect(options.HostConfig?.LogConfig).toEqual({ Type: 'splunk', Config: { 'splunk-url': 'u', 'splunk-token': 'text-secret' } });
    expect(calls.find((c) => c.args[0] === 'arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf')?.args[1]).toEqual({ stage: 'AWSPREVIOUS' });
    // The ARN's region decides where the EU parameter is looked up.
    expect(calls.filter((c) => c.op === 'getParameters').map((c) => [c.target.region, c.args[0]])).toEqual([
      ['us-east-1', ['/db/user']],
      ['eu-west-1', ['arn:aws:ssm:eu-west-1:1:parameter/eu']],
    ]);
    expect(calls.every((c) => (c.target.credentials as { accessKeyId: string }).accessKeyId === 'AKEXEC')).toBe(true);
  });

  it('fails naming the secret and where it comes from, never a value', async () => {
    const { secrets } = secretsWithCredentials();
    await expect(secrets.resolve(task, containerWith([{ name: 'MISSING', valueFrom: '/nope' }]))).rejects.toThrow(
      'unable to pull secrets or registry auth: secret "MISSING" (valueFrom /nope): SSM has no parameter "/nope" in us-east-1',
    );
    const wrongKey = secrets.resolve(task, containerWith([{ name: 'K', valueFrom: 'arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf:user::', provider: 'asm' }]));
    await expect(wrongKey).rejects.toThrow('secret "K" (valueFrom arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf:user::): the secret has no JSON key "user"');
    await expect(wrongKey).rejects.not.toThrow(/hunter2/);
    await expect(wrongKey).rejects.toMatchObject({ name: 'ResourceInitializationError' });
  });

  it('refuses without execution role credentials, and keeps values per task until forgotten', async () => {
    const { apis } = fakeApis();
    const none = new TaskSecrets({ apis, credentials: new TaskCredentialsStore(), region: 'us-east-1', logger: { info: () => undefined } });
    await expect(none.resolve(task, containerWith([{ name: 'A', valueFrom: '/db/user' }]))).rejects.toThrow('secret "A" (valueFrom /db/user): the task has no execution role credentials');
    const { secrets } = secretsWithCredentials();
    const container = containerWith([{ name: 'A', valueFrom: '/db/user' }]);
    await secrets.resolve(task, container);
    const other = { arn: 'arn:aws:ecs:us-east-1:1:task/c/t2' } as Task;
    expect(() => secrets.apply(other, container, {})).toThrow('its secrets were not fetched before create');
    secrets.forget(task);
    expect(() => secrets.apply(task, container, {})).toThrow('its secrets were not fetched before create');
  });
});
