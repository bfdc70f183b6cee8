import type { Task } from '../../api';
import { TaskCredentialsStore } from '../../credentials';
import { removeStoppedTaskCredentials } from './credentials-sweep';
import { taskStateFromTasks } from './task-state-reader';

const task = (arn: string, knownStatus: Task['knownStatus']) => ({ arn, knownStatus, containers: [] }) as unknown as Task;

describe('removeStoppedTaskCredentials', () => {
  it("drops every role's credentials of stopped tasks and keeps running and not-yet-added tasks'", () => {
    const store = new TaskCredentialsStore();
    store.put('stopped', 'TaskApplication', { credentialsId: 'app' });
    store.put('stopped', 'TaskExecution', { credentialsId: 'exec' });
    store.put('running', 'TaskApplication', { credentialsId: 'run' });
    store.put('arriving', 'TaskApplication', { credentialsId: 'new' });
    const removed = removeStoppedTaskCredentials(store, taskStateFromTasks(() => [task('stopped', 'STOPPED'), task('running', 'RUNNING')]));
    expect(removed).toBe(1);
    expect([store.get('app'), store.get('exec')]).toEqual([undefined, undefined]);
    expect(store.get('run')?.taskArn).toBe('running');
    expect(store.get('new')?.taskArn).toBe('arriving');
    expect(store.taskArns().sort()).toEqual(['arriving', 'running']);
  });
});
