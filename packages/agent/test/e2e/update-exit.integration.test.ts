import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { describeInstance, startAgent, startControlPlane, waitFor, type Harness } from '../agent-harness';

// The update exit while the introspection port is taken by another process (the agent retries it
// with backoff up to a minute): exit 42 must not wait for that retry loop. Found by the e2e test,
// where the agent container kept running after "exiting with the update exit code".
const TIMEOUT = 30_000;

let harness: Harness;
let work: string;
let squatter: Server;
beforeEach(async () => {
  harness = await startControlPlane();
  work = mkdtempSync(path.join(tmpdir(), 'update-exit-'));
  squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, resolve));
});
afterEach(async () => {
  await new Promise((resolve) => squatter.close(resolve));
  await harness.cleanup();
  rmSync(work, { recursive: true, force: true });
});

it('exits 42 after PerformUpdate although its introspection port is in use', async () => {
  await harness.api.send(new CreateClusterCommand({ clusterName: 'busy-port' }));
  const tarball = path.join(work, 'ecs-agent-v9.9.9.tar');
  writeFileSync(tarball, 'an agent image tarball, as far as this test is concerned\n');
  const busyPort = (squatter.address() as AddressInfo).port;
  const agent = startAgent(
    harness,
    { ECS_CLUSTER: 'busy-port', ECS_UPDATES_ENABLED: 'true', ECS_UPDATE_DOWNLOAD_DIR: mkdtempSync(path.join(work, 'cache-')) },
    { introspectionPort: busyPort, taskServerPort: 0 },
  );
  const instance = await describeInstance(harness, 'busy-port');
  await waitFor('the introspection retry', () => agent.logger.text().includes('Cannot serve the introspection endpoint; retrying'));
  // Registration comes before the ACS session the update is offered on.
  await waitFor('the ACS session', () => harness.controlPlane.acsActivity(instance.containerInstanceArn!)?.heartbeatAcks);

  const outcome = await harness.controlPlane.offerUpdate(instance.containerInstanceArn!, tarball);
  expect(outcome.perform).toEqual({ acked: true });
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([agent.exit, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no exit 10 s after PerformUpdate'), 10_000)))]);
  clearTimeout(timer);
  expect(exit).toBe(42);
}, TIMEOUT);
