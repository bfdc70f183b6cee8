import { backendTaskStatus, type Task } from '../api';
import type { IntrospectionTask } from '../wire';

/** A task as /v1/tasks shows it (upstream's TaskResponse): backend statuses, NORMAL containers only. */
export function introspectionTask(task: Task): IntrospectionTask {
  const known = backendTaskStatus(task.knownStatus);
  const desired = backendTaskStatus(task.desiredStatus);
  // Upstream blanks a desired status that would read as going backwards.
  const hideDesired = (known === 'STOPPED' && desired !== 'STOPPED') || (known === 'RUNNING' && desired === 'PENDING');
  return {
    Arn: task.arn,
    ...(hideDesired ? {} : { DesiredStatus: desired }),
    KnownStatus: known,
    Family: task.family,
    Version: task.version,
    Containers: task.containers
      .filter((container) => container.type === 'NORMAL')
      .map((container) => {
        const ports = container.knownPortBindings.length
          ? container.knownPortBindings.map((b) => ({ ContainerPort: b.containerPort, Protocol: b.protocol, HostPort: b.hostPort }))
          : container.portMappings.map((m) => ({ ContainerPort: m.containerPort, Protocol: m.protocol, HostPort: m.hostPort }));
        const volumes = (container.mounts ?? []).map((m) => ({ DockerName: m.name ?? '', Source: m.source, Destination: m.destination }));
        return {
          DockerId: container.runtimeId ?? '',
          DockerName: container.dockerName ?? '',
          Name: container.name,
          ...(container.fractal ? { FractalID: container.fractal.id } : {}),
          ...(ports.length ? { Ports: ports } : {}),
          ...(volumes.length ? { Volumes: volumes } : {}),
        };
      }),
  };
}
