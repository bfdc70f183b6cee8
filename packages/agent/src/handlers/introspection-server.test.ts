import { createLogger } from '@fractal-ecs/common';
import type { IntrospectionTask } from '../wire';
import { introspectionResponse, type IntrospectionOptions } from './introspection-server';

const task = (arn: string, dockerIds: string[]): IntrospectionTask => ({
  Arn: arn,
  DesiredStatus: 'RUNNING',
  KnownStatus: 'RUNNING',
  Family: 'web',
  Version: '3',
  Containers: dockerIds.map((id, index) => ({ DockerId: id, DockerName: `ecs-web-3-c${index}`, Name: `c${index}` })),
});

const idA = `abcdef123456${'0'.repeat(52)}`;
const idB = `abcdef123456${'1'.repeat(52)}`;
const idC = `fedcba654321${'2'.repeat(52)}`;

const options = (tasks: IntrospectionTask[]): IntrospectionOptions => ({
  source: { cluster: () => 'prod', containerInstanceArn: () => undefined, tasks: () => tasks },
  version: 'Amazon ECS Agent - v1.50.2 (*6cd32aa0)',
  license: 'LICENSE TEXT',
  logger: createLogger({ level: 'none' }),
});

describe('introspection responses', () => {
  const tasks = [task('t1', [idA]), task('t2', [idB, idC])];

  it('answers metadata with a null ARN before registration', () => {
    expect(introspectionResponse('/v1/metadata', options(tasks)).body).toEqual({ Cluster: 'prod', ContainerInstanceArn: null, Version: 'Amazon ECS Agent - v1.50.2 (*6cd32aa0)' });
  });

  it('finds a task by full Docker ID, by a unique short ID, and refuses an ambiguous short ID with 400', () => {
    expect(introspectionResponse(`/v1/tasks?dockerid=${idC}`, options(tasks))).toMatchObject({ status: 200, body: { Arn: 't2' } });
    expect(introspectionResponse(`/v1/tasks?dockerid=${idC.slice(0, 12)}`, options(tasks))).toMatchObject({ status: 200, body: { Arn: 't2' } });
    expect(introspectionResponse(`/v1/tasks?dockerid=${idA.slice(0, 12)}`, options(tasks))).toEqual({ status: 400, body: undefined });
    expect(introspectionResponse(`/v1/tasks?dockerid=${idA.slice(0, 13)}`, options(tasks)).status).toBe(404);
  });

  it('answers an unknown task ARN with 404 and the empty task, and both parameters with 400', () => {
    expect(introspectionResponse('/v1/tasks?taskarn=nope', options(tasks))).toEqual({ status: 404, body: { Arn: '', KnownStatus: '', Family: '', Version: '', Containers: null } });
    expect(introspectionResponse('/v1/tasks?taskarn=t1&dockerid=abc', options(tasks)).status).toBe(400);
  });

  it('lists the commands for any other path and serves the license as text', () => {
    expect(introspectionResponse('/v2/nothing', options(tasks)).body).toEqual({ AvailableCommands: ['/v1/metadata', '/v1/tasks', '/license'] });
    expect(introspectionResponse('/license', options(tasks)).text).toBe('LICENSE TEXT');
  });
});
