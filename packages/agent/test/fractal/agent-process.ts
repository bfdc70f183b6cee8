// The agent as its own process (run with tsx) so a test can SIGKILL it mid-task: the same runtime as
// the in-process test bed (no IMDS, fixed host facts, fast ACS/TCS), the environment from the parent.
import { runAgent } from '../../src/app';
import { unavailableInstanceMetadata } from '../../src/credentials';
import { FAST_ACS, FAST_TCS } from '../agent-harness';

const controller = new AbortController();
process.once('SIGTERM', () => controller.abort());

const code = await runAgent({
  env: process.env,
  signal: controller.signal,
  readConfigFile: () => undefined,
  instanceMetadata: unavailableInstanceMetadata('tests run off EC2'),
  host: { capacity: () => ({ cpuCount: 2, memoryMiB: 4096 }), dockerVersion: async () => '20.10.24' },
  acsTimings: FAST_ACS,
  tcsTimings: FAST_TCS,
  engineSettings: { drainIntervalMs: [200, 400], cleanupWaitMs: 3_600_000, cleanupWaitJitterMs: 0 },
  introspectionPort: 0,
});
process.exit(code);
