// Upstream merges the `dockerConfig.config` / `dockerConfig.hostConfig` strings over its own base by
// Go-unmarshalling them into the already-filled Docker structs. This reproduces those rules on plain
// objects: keys match field names case-insensitively; a scalar present replaces (null leaves it,
// except for pointer fields, which null clears); a list present replaces (null clears); a map present
// is merged key by key into the base's (null clears); a value of the wrong type is an error. Keys
// that name no field of the Docker API 1.41 structs pass through for Docker to judge, which ignores
// them as Go would.

type FieldKind =
  | 'string'
  | 'bool'
  | 'int'
  | 'uint'
  | 'strings'
  /** Docker's StrSlice: a string or a list of strings. */
  | 'strslice'
  | 'stringMap'
  /** map[string]struct{} (ExposedPorts, Volumes). */
  | 'set'
  /** map[string][]PortBinding. */
  | 'portMap'
  | 'struct'
  | 'structPtr'
  | 'intPtr'
  | 'boolPtr'
  /** A list of structs (Ulimits, Devices, Mounts...). */
  | 'structs'
  | 'uints';

export type DockerFieldTable = Readonly<Record<string, FieldKind>>;

/** Docker Engine API 1.41 `container.Config`. */
export const CONTAINER_CONFIG_FIELDS: DockerFieldTable = {
  Hostname: 'string',
  Domainname: 'string',
  User: 'string',
  AttachStdin: 'bool',
  AttachStdout: 'bool',
  AttachStderr: 'bool',
  ExposedPorts: 'set',
  Tty: 'bool',
  OpenStdin: 'bool',
  StdinOnce: 'bool',
  Env: 'strings',
  Cmd: 'strslice',
  Healthcheck: 'structPtr',
  ArgsEscaped: 'bool',
  Image: 'string',
  Volumes: 'set',
  WorkingDir: 'string',
  Entrypoint: 'strslice',
  NetworkDisabled: 'bool',
  MacAddress: 'string',
  OnBuild: 'strings',
  Labels: 'stringMap',
  StopSignal: 'string',
  StopTimeout: 'intPtr',
  Shell: 'strslice',
};

/** Docker Engine API 1.41 `HostConfig`, with the embedded `Resources`. */
export const HOST_CONFIG_FIELDS: DockerFieldTable = {
  Binds: 'strings',
  ContainerIDFile: 'string',
  LogConfig: 'struct',
  NetworkMode: 'string',
  PortBindings: 'portMap',
  RestartPolicy: 'struct',
  AutoRemove: 'bool',
  VolumeDriver: 'string',
  VolumesFrom: 'strings',
  CapAdd: 'strslice',
  CapDrop: 'strslice',
  CgroupnsMode: 'string',
  Dns: 'strings',
  DnsOptions: 'strings',
  DnsSearch: 'strings',
  ExtraHosts: 'strings',
  GroupAdd: 'strings',
  IpcMode: 'string',
  Cgroup: 'string',
  Links: 'strings',
  OomScoreAdj: 'int',
  PidMode: 'string',
  Privileged: 'bool',
  PublishAllPorts: 'bool',
  ReadonlyRootfs: 'bool',
  SecurityOpt: 'strings',
  StorageOpt: 'stringMap',
  Tmpfs: 'stringMap',
  UTSMode: 'string',
  UsernsMode: 'string',
  ShmSize: 'int',
  Sysctls: 'stringMap',
  Runtime: 'string',
  ConsoleSize: 'uints',
  Isolation: 'string',
  CpuShares: 'int',
  Memory: 'int',
  NanoCpus: 'int',
  CgroupParent: 'string',
  BlkioWeight: 'uint',
  BlkioWeightDevice: 'structs',
  BlkioDeviceReadBps: 'structs',
  BlkioDeviceWriteBps: 'structs',
  BlkioDeviceReadIOps: 'structs',
  BlkioDeviceWriteIOps: 'structs',
  CpuPeriod: 'int',
  CpuQuota: 'int',
  CpuRealtimePeriod: 'int',
  CpuRealtimeRuntime: 'int',
  CpusetCpus: 'string',
  CpusetMems: 'string',
  Devices: 'structs',
  DeviceCgroupRules: 'strings',
  DeviceRequests: 'structs',
  KernelMemory: 'int',
  KernelMemoryTCP: 'int',
  MemoryReservation: 'int',
  MemorySwap: 'int',
  MemorySwappiness: 'intPtr',
  OomKillDisable: 'boolPtr',
  PidsLimit: 'intPtr',
  Ulimits: 'structs',
  CpuCount: 'int',
  CpuPercent: 'int',
  IOMaximumIOps: 'uint',
  IOMaximumBandwidth: 'uint',
  Mounts: 'structs',
  MaskedPaths: 'strings',
  ReadonlyPaths: 'strings',
  Init: 'boolPtr',
};

const canonicalNames = new WeakMap<DockerFieldTable, Map<string, string>>();

function canonicalName(table: DockerFieldTable, key: string): string | undefined {
  let names = canonicalNames.get(table);
  if (!names) {
    names = new Map(Object.keys(table).map((name) => [name.toLowerCase(), name]));
    canonicalNames.set(table, names);
  }
  return Object.hasOwn(table, key) ? key : names.get(key.toLowerCase());
}

export type MergeResult = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string };

/** Parses `text` and merges it over a copy of `base` by the rules above. */
export function mergeDockerJson(base: Readonly<Record<string, unknown>>, text: string, table: DockerFieldTable): MergeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `invalid JSON ${JSON.stringify(text)} (${(error as Error).message})` };
  }
  const merged: Record<string, unknown> = { ...base };
  if (parsed === null) return { ok: true, value: merged };
  if (!isObject(parsed)) return { ok: false, problem: `must be a JSON object, got ${JSON.stringify(parsed)}` };
  for (const [key, value] of Object.entries(parsed)) {
    const name = canonicalName(table, key);
    if (name === undefined) {
      merged[key] = value;
      continue;
    }
    const problem = mergeField(merged, name, table[name]!, value);
    if (problem) return { ok: false, problem: `${name}: ${problem}, got ${JSON.stringify(value)}` };
  }
  return { ok: true, value: merged };
}

/** Applies one field; returns what is wrong with the value, if anything. */
function mergeField(target: Record<string, unknown>, name: string, kind: FieldKind, value: unknown): string | undefined {
  if (value === null) {
    // Go leaves plain scalars and structs alone on null, and clears pointers, slices and maps.
    if (kind !== 'string' && kind !== 'bool' && kind !== 'int' && kind !== 'uint' && kind !== 'struct') delete target[name];
    return undefined;
  }
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      break;
    case 'bool':
    case 'boolPtr':
      if (typeof value !== 'boolean') return 'must be true or false';
      break;
    case 'int':
    case 'intPtr':
      if (!Number.isInteger(value)) return 'must be an integer';
      break;
    case 'uint':
      if (!Number.isInteger(value) || (value as number) < 0) return 'must be a non-negative integer';
      break;
    case 'strings':
      if (!isArrayOf(value, (item) => typeof item === 'string')) return 'must be a list of strings';
      break;
    case 'uints':
      if (!isArrayOf(value, (item) => Number.isInteger(item) && (item as number) >= 0)) return 'must be a list of non-negative integers';
      break;
    case 'strslice':
      if (typeof value === 'string') {
        target[name] = [value];
        return undefined;
      }
      if (!isArrayOf(value, (item) => typeof item === 'string')) return 'must be a string or a list of strings';
      break;
    case 'structs':
      if (!isArrayOf(value, (item) => item === null || isObject(item))) return 'must be a list of objects';
      break;
    case 'struct':
      if (!isObject(value)) return 'must be an object';
      target[name] = { ...(isObject(target[name]) ? target[name] : {}), ...value };
      return undefined;
    case 'structPtr':
      if (!isObject(value)) return 'must be an object';
      break;
    case 'stringMap':
      if (!isObject(value) || !Object.values(value).every((item) => item === null || typeof item === 'string')) return 'must be an object of strings';
      return mergeMap(target, name, value, (item) => item ?? '');
    case 'set':
      if (!isObject(value) || !Object.values(value).every((item) => item === null || isObject(item))) return 'must be an object of objects';
      return mergeMap(target, name, value, () => ({}));
    case 'portMap':
      if (!isObject(value) || !Object.values(value).every((item) => item === null || isArrayOf(item, isObject))) {
        return 'must map ports to lists of bindings';
      }
      return mergeMap(target, name, value, (item) => item);
  }
  target[name] = value;
  return undefined;
}

/** Go decodes a JSON object into the map already there, keeping its other entries. */
function mergeMap(target: Record<string, unknown>, name: string, value: Record<string, unknown>, convert: (item: unknown) => unknown): undefined {
  const existing = isObject(target[name]) ? target[name] : {};
  const merged: Record<string, unknown> = { ...existing };
  for (const [key, item] of Object.entries(value)) merged[key] = convert(item);
  target[name] = merged;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isArrayOf(value: unknown, check: (item: unknown) => boolean): value is unknown[] {
  return Array.isArray(value) && value.every(check);
}
