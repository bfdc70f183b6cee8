// The introspection API's v1 shapes (127.0.0.1:51678, handlers/v1 upstream).

/** v1 TaskResponse (handlers/v1): statuses are backend statuses (PENDING, RUNNING, STOPPED). */
export interface IntrospectionTask {
  Arn: string;
  DesiredStatus?: string;
  KnownStatus: string;
  Family: string;
  Version: string;
  Containers: IntrospectionContainer[] | null;
}

export interface IntrospectionContainer {
  DockerId: string;
  DockerName: string;
  Name: string;
  /** The Fractal fork's per-container ID, once the container was prepared for create. */
  FractalID?: string;
  Ports?: { ContainerPort: number; Protocol: string; HostPort: number }[];
  Volumes?: { DockerName: string; Source: string; Destination: string }[];
}
