import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../agent-harness';
import { buildTaggedBusyboxImage, removeImages } from '../support/busybox-image';
import { EngineTestBed, type AgentHandle } from '../engine/engine-harness';

// ECS_ENABLE_CONTAINER_METADATA through the control plane and Docker: the task container reads the
// file the agent bind-mounts for it. The agent runs on the host here, so ECS_HOST_DATA_DIR is "/" (the
// data directory's host path is its own path).

const IMAGE = 'fractal-metadata-file-probe:latest';
/** Waits for the READY file (written after start), prints it between markers, then waits. */
const PROBE = `
for i in $(seq 120); do grep -q READY "$ECS_CONTAINER_METADATA_FILE" 2>/dev/null && break; sleep 0.5; done
echo BEGIN; cat "$ECS_CONTAINER_METADATA_FILE"; echo; echo END
sleep 600
`;

let bed: EngineTestBed;
let agent: AgentHandle;

beforeAll(async () => {
  await buildTaggedBusyboxImage([IMAGE]);
  bed = await new EngineTestBed().start();
  agent = bed.startAgent(
    { ECS_ENABLE_CONTAINER_METADATA: 'true', ECS_HOST_DATA_DIR: '/', ECS_CONTAINER_STOP_TIMEOUT: '1s' },
    { engineSettings: { drainIntervalMs: [200, 400], cleanupWaitMs: 500, cleanupWaitJitterMs: 0 } },
  );
  await bed.waitForEngine(agent);
}, 60_000);

afterAll(async () => {
  await bed?.cleanup();
  removeImages([IMAGE]);
});

it('a task container reads its metadata file READY; the files go with the task', async () => {
  const [taskArn] = await bed.run({ family: 'metafile', containerDefinitions: [{ name: 'reader', image: IMAGE, essential: true, memory: 32, command: ['sh', '-c', PROBE] }] });
  await bed.waitForStatus(taskArn!, 'RUNNING');
  const id = execFileSync('docker', ['ps', '-q', '--no-trunc', '--filter', `label=com.amazonaws.ecs.task-arn=${taskArn}`], { encoding: 'utf8' }).trim();
  const logs = await waitFor(
    'the container to print its metadata file',
    () => {
      const text = execFileSync('docker', ['logs', id], { encoding: 'utf8' });
      return text.includes('END') ? text : undefined;
    },
    60_000,
  );
  const file = JSON.parse(logs.slice(logs.indexOf('BEGIN') + 'BEGIN'.length, logs.indexOf('END'))) as Record<string, unknown>;
  expect(file).toMatchObject({
    Cluster: bed.cluster,
    TaskARN: taskArn,
    ContainerID: id,
    ContainerName: 'reader',
    MetadataFileStatus: 'READY',
    ContainerInstanceARN: expect.stringContaining(':container-instance/'),
  });
  const env = execFileSync('docker', ['inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', id], { encoding: 'utf8' });
  expect(env).toMatch(/^ECS_CONTAINER_METADATA_FILE=\/opt\/ecs\/metadata\/[0-9a-f-]{36}\/ecs-container-metadata\.json$/m);

  const taskDir = path.join(bed.harness.agentDir, 'metadata', taskArn!.slice(taskArn!.indexOf('/') + 1));
  expect(existsSync(path.join(taskDir, 'reader', 'ecs-container-metadata.json'))).toBe(true);
  await bed.stopTask(taskArn!);
  await bed.waitForStatus(taskArn!, 'STOPPED');
  // Cleanup (after the shortened wait) removes the task's metadata directory.
  await waitFor('the task metadata directory to be removed', () => !existsSync(taskDir), 30_000);
}, 120_000);
