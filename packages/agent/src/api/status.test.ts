import {
  CONTAINER_STATUSES,
  containerStatusBefore,
  containerStatusFromJson,
  containerStatusToJson,
  laterContainerStatus,
  shouldReportContainerStatus,
} from './container-status';
import {
  backendTaskStatus,
  containerToTaskStatus,
  laterTaskStatus,
  taskStatusFromJson,
  taskStatusToJson,
  taskToContainerStatus,
} from './task-status';

describe('container statuses', () => {
  it('are ordered as upstream', () => {
    expect(CONTAINER_STATUSES).toEqual(['NONE', 'PULLED', 'CREATED', 'RUNNING', 'RESOURCES_PROVISIONED', 'STOPPED', 'ZOMBIE']);
    expect(containerStatusBefore('CREATED', 'RUNNING')).toBe(true);
    expect(containerStatusBefore('STOPPED', 'RUNNING')).toBe(false);
    expect(containerStatusBefore('RUNNING', 'RUNNING')).toBe(false);
  });

  it('only move forward', () => {
    expect(laterContainerStatus('RUNNING', 'CREATED')).toBe('RUNNING');
    expect(laterContainerStatus('RUNNING', 'STOPPED')).toBe('STOPPED');
    expect(laterContainerStatus('STOPPED', 'RUNNING')).toBe('STOPPED');
  });

  it('read upstream JSON, including v1.0.0 names and null', () => {
    expect(containerStatusFromJson('RESOURCES_PROVISIONED')).toEqual({ ok: true, status: 'RESOURCES_PROVISIONED' });
    expect(containerStatusFromJson(null)).toEqual({ ok: true, status: 'NONE' });
    expect(containerStatusFromJson('UNKNOWN')).toEqual({ ok: true, status: 'NONE' });
    expect(containerStatusFromJson('DEAD')).toEqual({ ok: true, status: 'STOPPED' });
    expect(containerStatusFromJson('ZOMBIE')).toEqual({ ok: false, error: 'unrecognized container status "ZOMBIE"' });
    expect(containerStatusFromJson(3)).toEqual({ ok: false, error: 'container status must be a string or null, got 3' });
    expect(containerStatusToJson('ZOMBIE')).toBe('NONE');
    expect(containerStatusToJson('PULLED')).toBe('PULLED');
  });

  it('are reported to ECS only at the steady state or STOPPED', () => {
    expect(shouldReportContainerStatus('RUNNING', 'RUNNING')).toBe(true);
    expect(shouldReportContainerStatus('STOPPED', 'RUNNING')).toBe(true);
    expect(shouldReportContainerStatus('CREATED', 'RUNNING')).toBe(false);
    expect(shouldReportContainerStatus('RUNNING', 'RESOURCES_PROVISIONED')).toBe(false);
  });
});

describe('task statuses', () => {
  it('map container known statuses to task statuses', () => {
    expect(containerToTaskStatus('NONE', 'RUNNING')).toBe('NONE');
    expect(containerToTaskStatus('PULLED', 'RUNNING')).toBe('NONE');
    expect(containerToTaskStatus('CREATED', 'RUNNING')).toBe('CREATED');
    expect(containerToTaskStatus('RUNNING', 'RUNNING')).toBe('RUNNING');
    expect(containerToTaskStatus('STOPPED', 'RUNNING')).toBe('STOPPED');
    expect(containerToTaskStatus('RUNNING', 'RESOURCES_PROVISIONED')).toBe('CREATED');
    expect(containerToTaskStatus('RESOURCES_PROVISIONED', 'RESOURCES_PROVISIONED')).toBe('RUNNING');
    expect(containerToTaskStatus('ZOMBIE', 'RUNNING')).toBe('NONE');
  });

  it('map task desired statuses to container desired statuses', () => {
    expect(taskToContainerStatus('NONE', 'RUNNING')).toBe('NONE');
    expect(taskToContainerStatus('CREATED', 'RUNNING')).toBe('CREATED');
    expect(taskToContainerStatus('RUNNING', 'RUNNING')).toBe('RUNNING');
    expect(taskToContainerStatus('RUNNING', 'RESOURCES_PROVISIONED')).toBe('RESOURCES_PROVISIONED');
    expect(taskToContainerStatus('STOPPED', 'RUNNING')).toBe('STOPPED');
  });

  it('show ECS only PENDING, RUNNING and STOPPED', () => {
    expect(backendTaskStatus('NONE')).toBe('PENDING');
    expect(backendTaskStatus('CREATED')).toBe('PENDING');
    expect(backendTaskStatus('RUNNING')).toBe('RUNNING');
    expect(backendTaskStatus('STOPPED')).toBe('STOPPED');
  });

  it('only move forward and read upstream JSON', () => {
    expect(laterTaskStatus('STOPPED', 'RUNNING')).toBe('STOPPED');
    expect(laterTaskStatus('CREATED', 'RUNNING')).toBe('RUNNING');
    expect(taskStatusFromJson(null)).toEqual({ ok: true, status: 'NONE' });
    expect(taskStatusFromJson('RUNNING')).toEqual({ ok: true, status: 'RUNNING' });
    expect(taskStatusFromJson('PENDING')).toEqual({ ok: false, error: 'unrecognized task status "PENDING"' });
    expect(taskStatusToJson('PULLED')).toBe('NONE');
  });
});
