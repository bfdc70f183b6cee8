import { readFile } from 'node:fs/promises';

/** Where ecs-init's pre-start leaves the GPU inventory; bind-mounted at the same path into the agent. */
export const NVIDIA_GPU_INFO_FILE = '/var/lib/ecs/gpu/nvidia-gpu-info.json';

/** The file's content: upstream's field names, written by ecs-init and read by the agent. */
export interface NvidiaGpuInfo {
  readonly driverVersion: string;
  /** GPU UUIDs (GPU-xxxxxxxx-...), the IDs ECS assigns to containers. */
  readonly gpuIds: readonly string[];
}

/** Parses {"DriverVersion":"<ver>","GPUIDs":["GPU-…",…]}; an error names the file and the field. */
export function parseNvidiaGpuInfo(text: string, file: string): NvidiaGpuInfo {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON (${(error as Error).message})`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`${file}: expected a JSON object, got ${text.slice(0, 100)}`);
  const { DriverVersion: driverVersion = '', GPUIDs: gpuIds } = body as { DriverVersion?: unknown; GPUIDs?: unknown };
  if (typeof driverVersion !== 'string') throw new Error(`${file}: DriverVersion: expected a string, got ${JSON.stringify(driverVersion)}`);
  if (gpuIds !== undefined && gpuIds !== null && !(Array.isArray(gpuIds) && gpuIds.every((id) => typeof id === 'string'))) {
    throw new Error(`${file}: GPUIDs: expected a list of GPU IDs, got ${JSON.stringify(gpuIds)}`);
  }
  return { driverVersion, gpuIds: (gpuIds as string[] | null | undefined) ?? [] };
}

/** The inventory, or undefined when the file does not exist (no GPUs, or pre-start found none). */
export async function readNvidiaGpuInfo(file: string): Promise<NvidiaGpuInfo | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: cannot read the GPU information: ${(error as Error).message}`);
  }
  return parseNvidiaGpuInfo(text, file);
}
