import type { TaskMetric } from '../wire';
import { buildHealthRequests, buildMetricsRequests } from './publish-requests';

const instance = { cluster: 'prod', containerInstanceArn: 'arn:ci' };
const metric = (n: number, containers = 1): TaskMetric => ({
  taskArn: `task-${n}`,
  taskDefinitionFamily: 'web',
  taskDefinitionVersion: '1',
  containerMetrics: Array.from({ length: containers }, (_, i) => ({ containerName: `c${i}`, cpuStatsSet: { min: 0, max: 1, sampleCount: 2, sum: 1 } })),
});

describe('buildMetricsRequests', () => {
  it('sends one idle, final message when no task has containers', () => {
    expect(buildMetricsRequests(instance, 'id', [metric(1, 0)], 1614556800.123)).toEqual([
      { metadata: { cluster: 'prod', containerInstance: 'arn:ci', messageId: 'id', idle: true, fin: true }, taskMetrics: [], timestamp: 1614556800.123 },
    ]);
  });

  it.each([
    [1, [1]],
    [10, [10]],
    [11, [10, 1]],
    [25, [10, 10, 5]],
  ])('chunks %i tasks 10 per message with fin only on the last', (count, sizes) => {
    const requests = buildMetricsRequests(instance, 'id', Array.from({ length: count }, (_, i) => metric(i)), 1);
    expect(requests.map((r) => r.taskMetrics!.length)).toEqual(sizes);
    expect(requests.map((r) => r.metadata!.fin)).toEqual(sizes.map((_, i) => i === sizes.length - 1));
    expect(requests.every((r) => r.metadata!.idle === false && r.metadata!.messageId === 'id')).toBe(true);
    expect(requests.flatMap((r) => r.taskMetrics!.map((t) => t.taskArn))).toEqual(Array.from({ length: count }, (_, i) => `task-${i}`));
  });
});

describe('buildHealthRequests', () => {
  it('sends nothing without tasks and chunks 10 per message otherwise', () => {
    expect(buildHealthRequests(instance, 'h', [], 1)).toEqual([]);
    const tasks = Array.from({ length: 12 }, (_, i) => ({ taskArn: `t${i}`, containers: [{ containerName: 'c', healthStatus: 'HEALTHY', statusSince: 1 }] }));
    const requests = buildHealthRequests(instance, 'h', tasks, 1);
    expect(requests.map((r) => [r.tasks!.length, r.metadata!.fin])).toEqual([
      [10, false],
      [2, true],
    ]);
  });
});
