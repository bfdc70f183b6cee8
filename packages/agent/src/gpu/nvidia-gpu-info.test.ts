import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseNvidiaGpuInfo, readNvidiaGpuInfo } from './nvidia-gpu-info';

describe('the GPU info file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'gpu-info-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the driver version and GPU IDs ecs-init wrote', async () => {
    const file = path.join(dir, 'nvidia-gpu-info.json');
    writeFileSync(file, '{"DriverVersion":"535.104.05","GPUIDs":["GPU-aaaa","GPU-bbbb"]}');
    await expect(readNvidiaGpuInfo(file)).resolves.toEqual({ driverVersion: '535.104.05', gpuIds: ['GPU-aaaa', 'GPU-bbbb'] });
  });

  it('is undefined when the file does not exist', async () => {
    await expect(readNvidiaGpuInfo(path.join(dir, 'missing.json'))).resolves.toBeUndefined();
  });

  it('treats null GPUIDs (Go nil slice) as no GPUs', () => {
    expect(parseNvidiaGpuInfo('{"DriverVersion":"470.1","GPUIDs":null}', 'f')).toEqual({ driverVersion: '470.1', gpuIds: [] });
  });

  it.each([
    ['{', 'f: not JSON'],
    ['[]', 'f: expected a JSON object, got []'],
    ['{"DriverVersion":535}', 'f: DriverVersion: expected a string, got 535'],
    ['{"DriverVersion":"1","GPUIDs":"GPU-a"}', 'f: GPUIDs: expected a list of GPU IDs, got "GPU-a"'],
  ])('refuses %s naming the file and field', (text, message) => {
    expect(() => parseNvidiaGpuInfo(text, 'f')).toThrow(message);
  });
});
