import { testContainer, testTask } from '../api/test-support';
import type { Container, ContainerDependency, ContainerStatus, Task } from '../api';
import { planTask, type PlanOptions } from './planner';
import { applyContainerChange, updateDesiredStatus, updateKnownStatus } from './task-status-rules';

const NOW = Date.parse('2021-02-19T18:00:00Z');

function container(name: string, fields: Partial<Container> = {}): Container {
  return testContainer(name, fields);
}

function task(...containers: Container[]): Task {
  return testTask(containers);
}

const dep = (containerName: string, condition: ContainerDependency['condition']): ContainerDependency => ({ containerName, condition });

function options(fields: Partial<PlanOptions> = {}): PlanOptions {
  return { now: NOW, defaultStopTimeoutSeconds: 30, pullDependentContainersUpfront: false, inFlight: new Map(), ...fields };
}

const kinds = (t: Task, o = options()) => planTask(t, o).steps.map((step) => `${step.kind}:${step.container}`);

describe('planTask: the next step per container', () => {
  it.each<[ContainerStatus, string[]]>([
    ['NONE', ['pull:web']],
    ['PULLED', ['create:web']],
    ['CREATED', ['start:web']],
    ['RUNNING', []],
  ])('moves a container known %s one step towards RUNNING', (known, expected) => {
    expect(kinds(task(container('web', { knownStatus: known })))).toEqual(expected);
  });

  it('issues nothing for a container already in flight (the applied-status guard)', () => {
    const plan = planTask(task(container('web', { knownStatus: 'PULLED' })), options({ inFlight: new Map([['web', 'CREATED']]) }));
    expect(plan.steps).toEqual([]);
    expect(plan.stuck).toBe(false);
  });

  it('stops a running container with its own stopTimeout, else ECS_CONTAINER_STOP_TIMEOUT', () => {
    const t = task(
      container('own', { knownStatus: 'RUNNING', desiredStatus: 'STOPPED', stopTimeout: 2 }),
      container('default', { knownStatus: 'RUNNING', desiredStatus: 'STOPPED' }),
    );
    expect(planTask(t, options({ defaultStopTimeoutSeconds: 7 })).steps).toEqual([
      { kind: 'stop', container: 'own', timeoutSeconds: 2 },
      { kind: 'stop', container: 'default', timeoutSeconds: 7 },
    ]);
  });

  it('marks a container that never ran STOPPED without calling Docker', () => {
    expect(kinds(task(container('web', { knownStatus: 'CREATED', desiredStatus: 'STOPPED' })))).toEqual(['markStopped:web']);
    expect(kinds(task(container('web', { knownStatus: 'NONE', desiredStatus: 'STOPPED' })))).toEqual(['markStopped:web']);
  });

  it('stops a dependency only after its dependents stopped (shutdown order)', () => {
    const t = task(
      container('app', { knownStatus: 'RUNNING', desiredStatus: 'STOPPED', dependsOn: [dep('db', 'START')] }),
      container('db', { knownStatus: 'RUNNING', desiredStatus: 'STOPPED' }),
    );
    const plan = planTask(t, options());
    expect(plan.steps.map((s) => s.container)).toEqual(['app']);
    expect(plan.blocked).toEqual([{ container: 'db', on: 'app to stop first' }]);
    t.containers[0]!.knownStatus = 'STOPPED';
    expect(kinds(t)).toEqual(['stop:db']);
  });

  it('reports a task that cannot move and has nothing in flight as stuck', () => {
    const t = task(container('web', { knownStatus: 'RESOURCES_PROVISIONED', desiredStatus: 'ZOMBIE' }));
    expect(planTask(t, options()).stuck).toBe(true);
  });
});

describe('planTask: dependsOn', () => {
  it('START waits for the dependency to run, then lets the dependent be pulled', () => {
    const t = task(container('app', { dependsOn: [dep('db', 'START')] }), container('db', { knownStatus: 'CREATED' }));
    const plan = planTask(t, options());
    expect(plan.steps.map((s) => `${s.kind}:${s.container}`)).toEqual(['start:db']);
    expect(plan.blocked).toEqual([{ container: 'app', on: 'db (START)' }]);
    t.containers[1]!.knownStatus = 'RUNNING';
    expect(kinds(t)).toEqual(['pull:app']);
  });

  it('START is met by a dependency that ran and already exited (upstream #2579)', () => {
    const t = task(container('app', { dependsOn: [dep('init', 'START')] }), container('init', { knownStatus: 'STOPPED', startedAt: '2021-02-19T17:59:00Z', essential: false }));
    expect(kinds(t)).toEqual(['pull:app']);
  });

  it('ECS_PULL_DEPENDENT_CONTAINERS_UPFRONT pulls before the condition is met, but creates only after', () => {
    const t = task(container('app', { dependsOn: [dep('db', 'START')] }), container('db', { knownStatus: 'CREATED' }));
    expect(kinds(t, options({ pullDependentContainersUpfront: true }))).toEqual(['pull:app', 'start:db']);
    t.containers[0]!.knownStatus = 'PULLED';
    expect(kinds(t, options({ pullDependentContainersUpfront: true }))).toEqual(['start:db']);
  });

  it('COMPLETE needs the dependency stopped with an exit code, whatever the code', () => {
    const t = task(container('app', { dependsOn: [dep('job', 'COMPLETE')] }), container('job', { knownStatus: 'RUNNING', essential: false }));
    expect(kinds(t)).toEqual([]);
    applyContainerChange(t.containers[1]!, { status: 'STOPPED', exitCode: 1 });
    expect(kinds(t)).toEqual(['pull:app']);
  });

  it('SUCCESS needs exit code 0; a non-zero exit fails the task', () => {
    const t = task(container('app', { dependsOn: [dep('job', 'SUCCESS')] }), container('job', { knownStatus: 'STOPPED', knownExitCode: 0, essential: false, startedAt: '2021-02-19T17:59:00Z' }));
    expect(kinds(t)).toEqual(['pull:app']);
    t.containers[1]!.knownExitCode = 3;
    const plan = planTask(t, options());
    expect(plan.failure).toEqual({ container: 'app', reason: expect.stringContaining('exited with 3') });
  });

  it('HEALTHY waits for Docker to report the dependency healthy', () => {
    const t = task(container('app', { dependsOn: [dep('db', 'HEALTHY')] }), container('db', { knownStatus: 'RUNNING', healthCheckType: 'docker' }));
    expect(kinds(t)).toEqual([]);
    t.containers[1]!.health = { status: 'HEALTHY' };
    expect(kinds(t)).toEqual(['pull:app']);
  });

  it('HEALTHY fails when the dependency stopped without becoming healthy', () => {
    const t = task(container('app', { dependsOn: [dep('db', 'HEALTHY')] }), container('db', { knownStatus: 'STOPPED', knownExitCode: 1, startedAt: '2021-02-19T17:59:00Z', essential: false }));
    expect(planTask(t, options()).failure?.reason).toMatch(/stopped before it became healthy/);
  });

  it.each(['SUCCESS', 'COMPLETE', 'HEALTHY'] as const)('%s fails once the dependency startTimeout passed since it started, and says when to look again before', (condition) => {
    const startedAt = new Date(NOW - 5_000).toISOString();
    const t = task(container('app', { dependsOn: [dep('db', condition)] }), container('db', { knownStatus: 'RUNNING', startTimeout: 10, startedAt }));
    const early = planTask(t, options());
    expect(early.failure).toBeUndefined();
    expect(early.wakeAt).toBe(NOW + 5_000);
    const late = planTask(t, options({ now: NOW + 5_000 }));
    expect(late.failure?.reason).toMatch(/startTimeout of 10s/);
  });

  it('a startTimeout no longer applies once the dependent is created', () => {
    const startedAt = new Date(NOW - 60_000).toISOString();
    const t = task(container('app', { knownStatus: 'CREATED', dependsOn: [dep('db', 'SUCCESS')] }), container('db', { knownStatus: 'RUNNING', startTimeout: 10, startedAt }));
    expect(planTask(t, options()).failure).toBeUndefined();
  });

  it('CREATE (volumesFrom) needs the source created', () => {
    const t = task(container('app', { knownStatus: 'PULLED', dependsOn: [dep('data', 'CREATE')] }), container('data', { knownStatus: 'PULLED' }));
    expect(kinds(t)).toEqual(['create:data']);
    t.containers[1]!.knownStatus = 'CREATED';
    expect(kinds(t)).toEqual(['create:app', 'start:data']);
  });

  it('a dependency told to stop before it ever ran fails its dependents', () => {
    const t = task(container('app', { dependsOn: [dep('db', 'START')] }), container('db', { knownStatus: 'STOPPED', desiredStatus: 'STOPPED', essential: false }));
    expect(planTask(t, options()).failure?.reason).toMatch(/has not started and will not start/);
  });
});

describe('task status rules', () => {
  it('an essential container that stops stops the task and every other container', () => {
    const t = task(container('web', { knownStatus: 'STOPPED' }), container('side', { knownStatus: 'RUNNING', essential: false }));
    expect(updateDesiredStatus(t, new Date(NOW))).toBe(true);
    expect(t.desiredStatus).toBe('STOPPED');
    expect(t.containers.map((c) => c.desiredStatus)).toEqual(['STOPPED', 'STOPPED']);
    expect(t.executionStoppedAt).toBe(new Date(NOW).toISOString());
  });

  it('a non-essential container that stops leaves the task running', () => {
    const t = task(container('web', { knownStatus: 'RUNNING' }), container('side', { knownStatus: 'STOPPED', essential: false }));
    updateDesiredStatus(t, new Date(NOW));
    expect(t.desiredStatus).toBe('RUNNING');
    expect(t.containers[0]!.desiredStatus).toBe('RUNNING');
  });

  it('the task known status is the least advanced container, and never goes back', () => {
    const t = task(container('a', { knownStatus: 'RUNNING' }), container('b', { knownStatus: 'CREATED' }));
    updateKnownStatus(t, new Date(NOW));
    expect(t.knownStatus).toBe('CREATED');
    t.containers[1]!.knownStatus = 'RUNNING';
    updateKnownStatus(t, new Date(NOW));
    expect(t.knownStatus).toBe('RUNNING');
    t.containers[1]!.knownStatus = 'PULLED';
    expect(updateKnownStatus(t, new Date(NOW))).toBe(false);
    expect(t.knownStatus).toBe('RUNNING');
  });

  it('container changes only move forward but fill in a late exit code', () => {
    const c = container('web', { knownStatus: 'RUNNING' });
    expect(applyContainerChange(c, { status: 'CREATED' })).toBe(false);
    expect(c.knownStatus).toBe('RUNNING');
    expect(applyContainerChange(c, { status: 'STOPPED' })).toBe(true);
    expect(applyContainerChange(c, { status: 'STOPPED', exitCode: 137 })).toBe(false);
    expect(c.knownExitCode).toBe(137);
  });
});
