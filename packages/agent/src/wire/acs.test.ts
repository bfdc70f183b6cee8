import { encodeAcsFrame, parseAcsAgentFrame, parseAcsServerFrame, type AcsServerFrame } from './acs';

function expectMessage<T extends { kind: string }>(result: T): Extract<T, { kind: 'message' }> {
  if (result.kind !== 'message') throw new Error(`expected a message, got ${JSON.stringify(result)}`);
  return result as Extract<T, { kind: 'message' }>;
}

describe('ACS frames from the backend', () => {
  it('parses the upstream PayloadMessage example, including dockerConfig strings and volumes', () => {
    const text = JSON.stringify({
      type: 'PayloadMessage',
      message: {
        messageId: '123',
        seqNum: 1,
        clusterArn: '1',
        containerInstanceArn: '1',
        generatedAt: 1,
        tasks: [
          {
            arn: 'arn',
            family: 'f',
            version: '3',
            desiredStatus: 'RUNNING',
            taskDefinitionAccountId: '123',
            cpu: 0.25,
            memory: 512,
            volumes: [
              { name: 'scratch', type: 'host', host: {} },
              { name: 'shared', type: 'docker', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'local', driverOpts: { type: 'tmpfs' }, labels: { a: 'b' } } },
            ],
            containers: [
              {
                name: 'name',
                image: 'i',
                cpu: 1,
                memory: 1,
                essential: true,
                portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
                overrides: '{}',
                environment: { A: 'b' },
                mountPoints: [{ sourceVolume: 'scratch', containerPath: '/data', readOnly: false }],
                volumesFrom: [],
                dependsOn: [{ containerName: 'other', condition: 'SUCCESS' }],
                dockerConfig: { config: '{"User":"0"}', hostConfig: '{"NetworkMode":"bridge","CapAdd":[],"CapDrop":[]}' },
              },
            ],
            roleCredentials: { credentialsId: 'credsId', accessKeyId: 'AKID', secretAccessKey: 'SK', sessionToken: 'TOK', expiration: 'later', roleArn: 'r1' },
          },
        ],
      },
    });
    const { frame } = expectMessage(parseAcsServerFrame(text));
    expect(frame.type).toBe('PayloadMessage');
    if (frame.type !== 'PayloadMessage') return;
    const task = frame.message.tasks![0]!;
    expect(frame.message.seqNum).toBe(1);
    expect(task.cpu).toBe(0.25);
    expect(task.volumes![1]!.dockerVolumeConfiguration!.driverOpts).toEqual({ type: 'tmpfs' });
    expect(task.containers![0]!.dockerConfig!.hostConfig).toBe('{"NetworkMode":"bridge","CapAdd":[],"CapDrop":[]}');
    expect(task.containers![0]!.environment).toEqual({ A: 'b' });
    expect(task.roleCredentials!.credentialsId).toBe('credsId');
  });

  it('parses the credentials refresh example', () => {
    const text =
      '{"type":"IAMRoleCredentialsMessage","message":{"messageId":"123","clusterArn":"default","taskArn":"t1","roleType":"TaskApplication","roleCredentials":{"credentialsId":"credsId","accessKeyId":"AKID","secretAccessKey":"SK","sessionToken":"TOK","expiration":"later","roleArn":"r1"}}}';
    const { frame } = expectMessage(parseAcsServerFrame(text));
    expect(frame).toEqual({
      type: 'IAMRoleCredentialsMessage',
      message: {
        messageId: '123',
        clusterArn: 'default',
        taskArn: 't1',
        roleType: 'TaskApplication',
        roleCredentials: { credentialsId: 'credsId', accessKeyId: 'AKID', secretAccessKey: 'SK', sessionToken: 'TOK', expiration: 'later', roleArn: 'r1' },
      },
    });
  });

  it.each([
    ['HeartbeatMessage', { healthy: true, messageId: 'hb-1' }],
    ['TaskManifestMessage', { messageId: 'm1', clusterArn: 'c', containerInstanceArn: 'ci', generatedAt: 1614556800.5, timeline: 7, tasks: [{ taskArn: 't', taskClusterArn: 'c', desiredStatus: 'RUNNING' }] }],
    ['TaskStopVerificationAck', { messageId: 'm1', generatedAt: 1, stopTasks: [{ taskArn: 't', taskClusterArn: 'c', desiredStatus: 'STOPPED' }] }],
    ['AttachTaskNetworkInterfacesMessage', { messageId: 'e1', taskArn: 't', waitTimeoutMs: 5000, elasticNetworkInterfaces: [{ attachmentArn: 'a', macAddress: '0a:00:00:00:00:01', ipv4Addresses: [{ privateAddress: '10.0.0.2', primary: true }], subnetGatewayIpv4Address: '10.0.0.1/24' }] }],
    ['AttachInstanceNetworkInterfacesMessage', { messageId: 'e2', elasticNetworkInterfaces: [{ interfaceAssociationProtocol: 'vlan', interfaceVlanProperties: { vlanId: '10', trunkInterfaceMacAddress: 'x' } }] }],
    ['StageUpdateMessage', { messageId: 'u1', clusterArn: 'c', containerInstanceArn: 'ci', updateInfo: { location: 'https://example/agent.tar', signature: 'abc' } }],
    ['PerformUpdateMessage', { messageId: 'u1', updateInfo: { location: 'https://example/agent.tar', signature: 'abc' } }],
    ['CloseMessage', { message: 'bye' }],
    ['ErrorMessage', { message: 'oops' }],
    ['InactiveInstanceException', { message: 'deregistered' }],
  ])('parses %s', (type, message) => {
    const { frame } = expectMessage(parseAcsServerFrame(JSON.stringify({ type, message })));
    expect(frame).toEqual({ type, message });
  });

  it('reads the error-map form as an exception frame', () => {
    const { frame } = expectMessage(parseAcsServerFrame('{"InactiveInstanceException":"Container instance is inactive"}'));
    expect(frame).toEqual({ type: 'InactiveInstanceException', message: { message: 'Container instance is inactive' } });
  });

  it('drops unknown keys and treats null as absent, like the Go decoder', () => {
    const { frame } = expectMessage(parseAcsServerFrame('{"type":"HeartbeatMessage","message":{"healthy":null,"futureField":1}}'));
    expect(frame).toEqual({ type: 'HeartbeatMessage', message: {} });
  });

  it('returns an unknown result for a type it does not handle', () => {
    expect(parseAcsServerFrame('{"type":"RefreshCredentialsMessage","message":{"x":1}}')).toEqual({
      kind: 'unknown',
      type: 'RefreshCredentialsMessage',
      message: { x: 1 },
    });
    // An agent-side type is unknown to the agent's own parser.
    expect(parseAcsServerFrame('{"type":"AckRequest","message":{"messageId":"1"}}').kind).toBe('unknown');
  });

  it.each([
    ['{"type":"PayloadMessage","message":{"messageId":"1","tasks":[{"containers":[{"cpu":"1"}]}]}}', 'message.tasks[0].containers[0].cpu', '"1"'],
    ['{"type":"PayloadMessage","message":{"messageId":"1","seqNum":1.5}}', 'message.seqNum', '1.5'],
    ['{"type":"PayloadMessage","message":{"seqNum":1}}', 'message.messageId', 'nothing (field missing)'],
    ['{"type":"PayloadMessage","message":{"messageId":"1","tasks":[{"containers":[{"environment":{"A":1}}]}]}}', 'message.tasks[0].containers[0].environment.A', '1'],
    ['{"type":"IAMRoleCredentialsMessage","message":{"messageId":"1","taskArn":"t"}}', 'message.roleCredentials', 'nothing (field missing)'],
    ['{"type":"PayloadMessage","message":"text"}', 'message', '"text"'],
    ['{"type":7}', 'type', '7'],
    ['{"message":{}}', 'type', 'nothing (field missing)'],
    ['[1,2]', 'frame', '[1,2]'],
  ])('rejects %s naming %s', (text, field, value) => {
    const result = parseAcsServerFrame(text);
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.error.field).toBe(field);
    expect(result.error.value).toBe(value);
    expect(result.error.message).toContain(field);
  });

  it('rejects text that is not JSON without throwing', () => {
    const result = parseAcsServerFrame('{"type":');
    expect(result.kind).toBe('invalid');
    if (result.kind === 'invalid') expect(result.error.field).toBe('frame');
  });
});

describe('ACS frames from the agent', () => {
  it.each([
    ['{"type":"AckRequest","message":{"cluster":"default","containerInstance":"arn:aws:ecs:us-west-2:123:container-instance/abc","messageId":"123"}}'],
    ['{"type":"IAMRoleCredentialsAckRequest","message":{"messageId":"123","credentialsId":"credsId","expiration":"2016-03-25T06:17:19.318+0000"}}'],
    ['{"type":"HeartbeatAckRequest","message":{"messageId":"hb-1"}}'],
    ['{"type":"TaskStopVerificationMessage","message":{"messageId":"m1","stopCandidates":[{"taskArn":"arn1","taskClusterArn":"arn:aws:ecs:us-west-2:123:cluster/x","desiredStatus":"STOPPED"}]}}'],
    ['{"type":"NackRequest","message":{"cluster":"c","containerInstance":"ci","messageId":"u1","reason":"Updates are disabled"}}'],
  ])('round-trips %s', (text) => {
    const { frame } = expectMessage(parseAcsAgentFrame(text));
    expect(JSON.parse(encodeAcsFrame(frame))).toEqual(JSON.parse(text));
  });

  it('rejects an ack without messageId', () => {
    const result = parseAcsAgentFrame('{"type":"AckRequest","message":{"cluster":"c","messageId":42}}');
    expect(result).toMatchObject({ kind: 'invalid', error: { field: 'message.messageId', value: '42' } });
  });
});

describe('encodeAcsFrame', () => {
  it('writes the envelope without undefined fields', () => {
    const frame: AcsServerFrame = { type: 'HeartbeatMessage', message: { healthy: true, messageId: undefined } };
    expect(encodeAcsFrame(frame)).toBe('{"type":"HeartbeatMessage","message":{"healthy":true}}');
  });
});
