import { clusterArn, clusterName } from '../arns';
import type { ClusterRecord } from '../state/model';
import type { ApiContext, Operation } from './context';
import { invalidParameter } from './errors';
import { optionalString, paginate, stringList, type Body } from './fields';

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;

function describe(context: ApiContext, record: ClusterRecord): ClusterRecord {
  const instances = Object.values(context.state.containerInstances).filter(
    (instance) => instance.clusterName === record.clusterName && instance.instance.status !== 'INACTIVE',
  );
  const tasks = Object.values(context.state.tasks).filter((task) => task.clusterName === record.clusterName);
  return {
    ...record,
    registeredContainerInstancesCount: instances.length,
    runningTasksCount: tasks.filter((task) => task.task.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter((task) => task.task.lastStatus === 'PENDING').length,
    activeServicesCount: 0,
  };
}

export const createCluster: Operation = (context, body: Body) => {
  const name = optionalString(body, 'clusterName') ?? 'default';
  if (!CLUSTER_NAME.test(name)) {
    throw invalidParameter(`clusterName may contain up to 255 letters, numbers, hyphens and underscores, got ${JSON.stringify(name)}`);
  }
  const existing = context.state.clusters[name];
  const record: ClusterRecord =
    existing && existing.status === 'ACTIVE' ? existing : { clusterArn: clusterArn(context.scope, name), clusterName: name, status: 'ACTIVE' };
  context.state.clusters[name] = record;
  return { cluster: describe(context, record) };
};

export const listClusters: Operation = (context, body) => {
  const arns = Object.values(context.state.clusters)
    .filter((cluster) => cluster.status === 'ACTIVE')
    .map((cluster) => cluster.clusterArn);
  const { page, nextToken } = paginate(arns, body);
  return { clusterArns: page, ...(nextToken ? { nextToken } : {}) };
};

export const describeClusters: Operation = (context, body) => {
  const requested = stringList(body, 'clusters') ?? ['default'];
  const clusters: ClusterRecord[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of requested) {
    const record = context.state.clusters[clusterName(ref)];
    if (record) clusters.push(describe(context, record));
    else failures.push({ arn: ref.startsWith('arn:') ? ref : clusterArn(context.scope, ref), reason: 'MISSING' });
  }
  return { clusters, failures };
};
