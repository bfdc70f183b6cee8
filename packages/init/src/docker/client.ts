import type { Readable } from 'node:stream';
import type { AgentLogConfig } from '../config';

/** The part of Docker's HostConfig ecs-init sets on the agent container. */
export interface AgentHostConfig {
  Binds: string[];
  NetworkMode: string;
  UsernsMode: string;
  CapAdd?: string[];
  Init?: boolean;
  LogConfig: AgentLogConfig;
  Privileged?: boolean;
  PidMode?: string;
  Devices?: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[];
}

export interface AgentContainerSpec {
  name: string;
  image: string;
  env: string[];
  labels: Record<string, string> | undefined;
  hostConfig: AgentHostConfig;
}

/** How a stop request ended; only a daemon error is a failure. */
export type StopOutcome = 'stopped' | 'not-running' | 'not-found';

/** What ecs-init needs from the Docker engine (the adapter over dockerode implements it; tests fake it). */
export interface DockerClient {
  /** API version the daemon speaks, e.g. "1.41". */
  readonly apiVersion: string;
  /** Whether some image carries exactly this repo tag. */
  isImageLoaded(image: string): Promise<boolean>;
  /** Streams a `docker save` tarball into the daemon; fails on errors reported inside the response stream. */
  loadImage(tarball: Readable): Promise<void>;
  /** ID of the container with this name, in any state. */
  findContainer(name: string): Promise<string | undefined>;
  removeContainer(id: string): Promise<void>;
  /** Creates and starts the container; returns its ID. */
  createAndStart(spec: AgentContainerSpec): Promise<string>;
  /** Blocks until the container exits; returns its exit code. */
  wait(id: string): Promise<number>;
  stop(id: string, timeoutSeconds: number): Promise<StopOutcome>;
  /** The last `lines` lines of the container's output, with Docker timestamps. */
  logTail(id: string, lines: number): Promise<string>;
  /** Interface name of Docker's default bridge network (docker0), if the daemon has one. */
  defaultBridgeName(): Promise<string | undefined>;
}
