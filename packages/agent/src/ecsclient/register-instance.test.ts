import type { RegisterContainerInstanceRequest } from '../wire';
import { recordingLogger } from '../../test/fakes/recording-logger';
import type { EcsApi } from './ecs-api';
import { registerContainerInstance, RegistrationError, type RegistrationRequest } from './register-instance';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:container-instance/default/abc';

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function request(overrides: Partial<RegistrationRequest> = {}): RegistrationRequest {
  return {
    cluster: 'default',
    containerInstanceArn: undefined,
    resources: [{ name: 'CPU', type: 'INTEGER', integerValue: 2048 }],
    attributes: [{ name: 'stack', value: 'prod' }, { name: 'ecs.capability.full-sync' }],
    tags: [],
    versionInfo: { agentVersion: '0.1.0', agentHash: 'abc' },
    identityDocument: '',
    identitySignature: '',
    ...overrides,
  };
}

function fakeApi(outcomes: (Error | 'ok' | 'drop-attribute')[]) {
  const calls: { op: string; input: unknown }[] = [];
  const api: EcsApi = {
    async registerContainerInstance(input: RegisterContainerInstanceRequest) {
      calls.push({ op: 'register', input });
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome instanceof Error) throw outcome;
      const attributes = [...(input.attributes ?? []), { name: 'ecs.availability-zone', value: 'us-east-1a' }];
      return { containerInstance: { containerInstanceArn: ARN, attributes: outcome === 'drop-attribute' ? attributes.slice(1) : attributes }, $metadata: {} };
    },
    async createCluster(input) {
      calls.push({ op: 'createCluster', input });
      return {};
    },
    async discoverPollEndpoint() {
      throw new Error('unused');
    },
    async updateContainerInstancesState() {
      throw new Error('unused');
    },
  };
  return { api, calls };
}

describe('registerContainerInstance', () => {
  it('sends the request and returns the ARN and availability zone', async () => {
    const { api, calls } = fakeApi(['ok']);
    const tags = [{ key: 'team', value: 'a' }];
    await expect(registerContainerInstance(api, request({ tags, containerInstanceArn: ARN }), recordingLogger())).resolves.toEqual({ containerInstanceArn: ARN, availabilityZone: 'us-east-1a' });
    expect(calls).toEqual([
      {
        op: 'register',
        input: {
          cluster: 'default',
          containerInstanceArn: ARN,
          instanceIdentityDocument: '',
          instanceIdentityDocumentSignature: '',
          totalResources: [{ name: 'CPU', type: 'INTEGER', integerValue: 2048 }],
          attributes: [{ name: 'stack', value: 'prod' }, { name: 'ecs.capability.full-sync' }],
          tags,
          versionInfo: { agentVersion: '0.1.0', agentHash: 'abc' },
        },
      },
    ]);
  });

  it('sends GPUs as platform devices, and no platformDevices field without them', async () => {
    const { api, calls } = fakeApi(['ok', 'ok']);
    const platformDevices = [{ id: 'GPU-a', type: 'GPU' as const }];
    await registerContainerInstance(api, request({ platformDevices }), recordingLogger());
    await registerContainerInstance(api, request({ platformDevices: [] }), recordingLogger());
    expect((calls[0]!.input as RegisterContainerInstanceRequest).platformDevices).toEqual(platformDevices);
    expect(calls[1]!.input).not.toHaveProperty('platformDevices');
  });

  it('creates the default cluster when it does not exist, then registers again', async () => {
    const { api, calls } = fakeApi([named('ClusterNotFoundException', 'Cluster not found.'), 'ok']);
    await registerContainerInstance(api, request(), recordingLogger());
    expect(calls.map((c) => c.op)).toEqual(['register', 'createCluster', 'register']);
    expect(calls[1]!.input).toEqual({ clusterName: 'default' });
  });

  it('does not create a cluster other than default', async () => {
    const { api, calls } = fakeApi([named('ClusterNotFoundException', 'Cluster not found.')]);
    const failure = registerContainerInstance(api, request({ cluster: 'prod' }), recordingLogger());
    await expect(failure).rejects.toThrow('RegisterContainerInstance failed: ClusterNotFoundException: Cluster not found.');
    await expect(failure).rejects.toMatchObject({ terminal: false });
    expect(calls.map((c) => c.op)).toEqual(['register']);
  });

  it.each([
    ['InvalidParameterException', true],
    ['InvalidSignatureException', false],
    ['ServerException', false],
  ])('classifies %s as terminal=%s', async (name, terminal) => {
    const { api } = fakeApi([named(name, 'no')]);
    const error = await registerContainerInstance(api, request(), recordingLogger()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistrationError);
    expect(error).toMatchObject({ terminal, message: `RegisterContainerInstance failed: ${name}: no` });
  });

  it('fails terminally when an attribute does not come back as sent', async () => {
    const { api } = fakeApi(['drop-attribute']);
    await expect(registerContainerInstance(api, request(), recordingLogger())).rejects.toMatchObject({ terminal: true, message: 'RegisterContainerInstance: attributes not accepted as sent: stack' });
  });
});
