import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { gpuRegistration, loadGpuRegistration } from './gpu-registration';

describe('gpuRegistration', () => {
  it('registers each GPU as a platform device and the driver version as capabilities', () => {
    expect(gpuRegistration({ driverVersion: '535.104.05', gpuIds: ['GPU-aaaa', 'GPU-bbbb'] })).toEqual({
      platformDevices: [
        { id: 'GPU-aaaa', type: 'GPU' },
        { id: 'GPU-bbbb', type: 'GPU' },
      ],
      attributes: [{ name: 'ecs.capability.nvidia-driver-version.535.104.05' }, { name: 'ecs.capability.gpu-driver-version', value: '535.104.05' }],
    });
  });

  it('sends no driver attribute when the version is unknown', () => {
    expect(gpuRegistration({ driverVersion: '', gpuIds: ['GPU-a'] }).attributes).toEqual([]);
  });
});

describe('loadGpuRegistration', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'gpu-reg-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads nothing while GPU support is off, even with a file present', async () => {
    const file = path.join(dir, 'info.json');
    writeFileSync(file, '{"DriverVersion":"1","GPUIDs":["GPU-a"]}');
    await expect(loadGpuRegistration(false, file, recordingLogger())).resolves.toEqual({ platformDevices: [], attributes: [] });
  });

  it('logs and registers no GPUs when enabled but the file is missing', async () => {
    const logger = recordingLogger();
    await expect(loadGpuRegistration(true, path.join(dir, 'none.json'), logger)).resolves.toEqual({ platformDevices: [], attributes: [] });
    expect(logger.records.map((r) => r.level + ' ' + r.msg)).toEqual(['error Config for GPU support is enabled, but GPU information is not found; continuing without it']);
  });

  it('rejects a malformed file', async () => {
    const file = path.join(dir, 'info.json');
    writeFileSync(file, 'garbage');
    await expect(loadGpuRegistration(true, file, recordingLogger())).rejects.toThrow(`${file}: not JSON`);
  });
});
