import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Task } from '../api';
import type { ContainerInspectInfo } from '../dockerclient';
import { ContainerMetadataFiles } from './metadata-files';
import { metadataTaskId } from './metadata-file';

const TASK_ARN = 'arn:aws:ecs:us-west-2:123456789012:task/default/6f7a1d3e';

const task = { arn: TASK_ARN, family: 'web', version: '3' } as Task;

const inspect = {
  Id: 'a'.repeat(64),
  Name: '/ecs-web-3-web-e4b2c2a8f0c9d2a1f801',
  Image: 'sha256:' + 'd'.repeat(64),
  Config: { Image: 'busybox:latest' },
  State: { Running: true },
  HostConfig: { NetworkMode: 'bridge' },
  NetworkSettings: {
    IPAddress: '172.17.0.2',
    Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '32768' }], '53/udp': null },
    Networks: { bridge: { IPAddress: '172.17.0.2' } },
  },
} as unknown as ContainerInspectInfo;

describe('container metadata files', () => {
  let dataDir: string;
  let files: ContainerMetadataFiles;
  let facts: { cluster: string; containerInstanceArn?: string; availabilityZone?: string };

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'metadata-'));
    facts = { cluster: 'default' };
    files = new ContainerMetadataFiles({ dataDir, dataDirOnHost: '/var/lib/ecs', facts: () => facts, randomUuid: () => '1f1e6ba4-5b1d-4a8b-8a8a-3e1cfa1b2c3d' });
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  const fileOf = (container: string) => path.join(dataDir, 'metadata', 'default', '6f7a1d3e', container, 'ecs-container-metadata.json');

  it('writes the create-time file and gives the bind and variable the container needs', async () => {
    const mount = await files.create(task, 'web');
    expect(mount).toEqual({
      bind: `/var/lib/ecs/${dataDir}/metadata/default/6f7a1d3e/web:/opt/ecs/metadata/1f1e6ba4-5b1d-4a8b-8a8a-3e1cfa1b2c3d`,
      env: 'ECS_CONTAINER_METADATA_FILE=/opt/ecs/metadata/1f1e6ba4-5b1d-4a8b-8a8a-3e1cfa1b2c3d/ecs-container-metadata.json',
    });
    const text = await readFile(fileOf('web'), 'utf8');
    expect(text).toBe('{\n\t"Cluster": "default",\n\t"TaskARN": "' + TASK_ARN + '",\n\t"TaskDefinitionFamily": "web",\n\t"TaskDefinitionRevision": "3",\n\t"ContainerName": "web"\n}');
    expect((await stat(fileOf('web'))).mode & 0o777).toBe(0o644);
  });

  it('mounts with :Z when Docker runs with SELinux', async () => {
    expect((await files.create(task, 'web', ['name=seccomp,profile=default', 'name=selinux'])).bind).toMatch(/:Z$/);
  });

  it('rewrites the file READY from docker inspect after start, leaving no temp file behind', async () => {
    await files.create(task, 'web');
    facts = { ...facts, containerInstanceArn: 'arn:aws:ecs:us-west-2:123456789012:container-instance/default/abc', availabilityZone: 'us-west-2a' };
    await files.update(task, 'web', inspect);
    expect(JSON.parse(await readFile(fileOf('web'), 'utf8'))).toEqual({
      Cluster: 'default',
      ContainerInstanceARN: 'arn:aws:ecs:us-west-2:123456789012:container-instance/default/abc',
      TaskARN: TASK_ARN,
      TaskDefinitionFamily: 'web',
      TaskDefinitionRevision: '3',
      ContainerID: 'a'.repeat(64),
      ContainerName: 'web',
      DockerContainerName: '/ecs-web-3-web-e4b2c2a8f0c9d2a1f801',
      ImageID: 'sha256:' + 'd'.repeat(64),
      ImageName: 'busybox:latest',
      PortMappings: [{ ContainerPort: 80, HostPort: 32768, BindIp: '0.0.0.0', Protocol: 'tcp' }],
      Networks: [{ NetworkMode: 'bridge', IPv4Addresses: ['172.17.0.2'] }],
      MetadataFileStatus: 'READY',
      AvailabilityZone: 'us-west-2a',
    });
    expect(await readdir(path.dirname(fileOf('web')))).toEqual(['ecs-container-metadata.json']);
  });

  it('refuses to mark a container that is not running READY', async () => {
    await files.create(task, 'web');
    await expect(files.update(task, 'web', { ...inspect, State: { Running: false } } as ContainerInspectInfo)).rejects.toThrow(
      `container metadata update for container web in task ${TASK_ARN}: container not running or invalid`,
    );
    expect(await readFile(fileOf('web'), 'utf8')).not.toContain('READY');
  });

  it("removes the task's directory at cleanup", async () => {
    await files.create(task, 'web');
    await files.create(task, 'sidecar');
    await files.clean(TASK_ARN);
    expect(await readdir(path.join(dataDir, 'metadata', 'default'))).toEqual([]);
  });

  it('names a task ARN it cannot use', async () => {
    await expect(files.create({ ...task, arn: 'not-an-arn' }, 'web')).rejects.toThrow('container metadata: task ARN "not-an-arn" is not an ARN');
    expect(() => metadataTaskId('arn:aws:ecs:us-west-2:1:task')).toThrow('has no task ID');
    expect(metadataTaskId('arn:aws:ecs:us-west-2:1:task/0b2c')).toBe('0b2c');
  });
});
