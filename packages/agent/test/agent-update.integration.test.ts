import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { encodeAcsFrame } from '../src/wire';
import { describeInstance, startControlPlane, startAgent, waitFor, type Harness } from './agent-harness';

// The update path against a real LocalControlPlane: offerUpdate serves the tarball over the control
// plane's port and sends StageUpdate then PerformUpdate; the agent downloads, verifies, writes
// desired-image and exits 42. ECS_UPDATES_ENABLED off, or a wrong digest, gives a Nack and no exit.
const TIMEOUT = 30_000;
const TARBALL_BYTES = Buffer.from('an agent image tarball, as far as this test is concerned\n'.repeat(1000));

let harness: Harness;
let work: string;
let tarball: string;
beforeEach(async () => {
  harness = await startControlPlane();
  work = mkdtempSync(path.join(tmpdir(), 'agent-update-'));
  tarball = path.join(work, 'ecs-agent-v9.9.9.tar');
  writeFileSync(tarball, TARBALL_BYTES);
});
afterEach(async () => {
  await harness.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** The agent only creates the cluster "default"; any other must exist before it registers. */
async function createCluster(name: string): Promise<void> {
  await harness.api.send(new CreateClusterCommand({ clusterName: name }));
}

function downloadDir(): string {
  return mkdtempSync(path.join(work, 'cache-'));
}

describe('agent update from the local control plane', () => {
  it('stages, performs and exits 42 with desired-image naming the verified tarball', async () => {
    await createCluster('updates');
    const dir = downloadDir();
    const agent = startAgent(harness, { ECS_CLUSTER: 'updates', ECS_UPDATES_ENABLED: 'true', ECS_UPDATE_DOWNLOAD_DIR: dir });
    const instance = await describeInstance(harness, 'updates');
    await waitFor('the ACS session', () => harness.controlPlane.acsActivity(instance.containerInstanceArn!)?.heartbeatAcks);

    const outcome = await harness.controlPlane.offerUpdate(instance.containerInstanceArn!, tarball);
    expect(outcome.stage).toEqual({ acked: true });
    expect(outcome.perform).toEqual({ acked: true });
    expect(outcome.signature).toBe(createHash('sha256').update(TARBALL_BYTES).digest('hex'));
    expect(await agent.exit).toBe(42);

    const desired = readFileSync(path.join(dir, 'desired-image'), 'utf8');
    expect(desired).toMatch(/^[0-9a-f]{20}\.ecs-update\.tar\n$/);
    expect(readFileSync(path.join(dir, desired.trim()))).toEqual(TARBALL_BYTES);
    expect(agent.logger.text()).toContain('Exiting with the update exit code');
  }, TIMEOUT);

  it('nacks with "Updates are disabled" and keeps running when ECS_UPDATES_ENABLED is off', async () => {
    await createCluster('no-updates');
    const dir = downloadDir();
    const agent = startAgent(harness, { ECS_CLUSTER: 'no-updates', ECS_UPDATE_DOWNLOAD_DIR: dir });
    const instance = await describeInstance(harness, 'no-updates');
    await waitFor('the ACS session', () => harness.controlPlane.acsActivity(instance.containerInstanceArn!)?.heartbeatAcks);

    const outcome = await harness.controlPlane.offerUpdate(instance.containerInstanceArn!, tarball);
    expect(outcome.stage).toEqual({ acked: false, reason: 'Updates are disabled' });
    expect(outcome.perform).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
    // Still connected and answering: the session outlives the refusal.
    const acks = harness.controlPlane.acsActivity(instance.containerInstanceArn!)!.heartbeatAcks;
    await waitFor('another heartbeat ack', () => harness.controlPlane.acsActivity(instance.containerInstanceArn!)!.heartbeatAcks > acks);
    expect(await agent.stop()).toBe(0);
  }, TIMEOUT);

  it('nacks a StageUpdate whose signature does not match the download, keeps nothing, and refuses PerformUpdate', async () => {
    const server: Server = createServer((_request, response) => response.end(TARBALL_BYTES));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await createCluster('bad-digest');
      const dir = downloadDir();
      const agent = startAgent(harness, { ECS_CLUSTER: 'bad-digest', ECS_UPDATES_ENABLED: 'true', ECS_UPDATE_DOWNLOAD_DIR: dir });
      const instance = await describeInstance(harness, 'bad-digest');
      const arn = instance.containerInstanceArn!;
      await waitFor('the ACS session', () => agent.connector.acsConnections()[0]);
      const session = agent.connector.acsConnections()[0]!;
      const updateInfo = { location: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ecs-agent.tar`, signature: '0'.repeat(64) };
      session.inject(encodeAcsFrame({ type: 'StageUpdateMessage', message: { messageId: 'stage-bad', containerInstanceArn: arn, updateInfo } }));
      session.inject(encodeAcsFrame({ type: 'PerformUpdateMessage', message: { messageId: 'perform-bad', containerInstanceArn: arn, updateInfo } }));
      const nacks = await waitFor('both nacks', () => {
        const seen = harness.controlPlane.acsActivity(arn)?.nacks ?? [];
        return seen.length >= 2 && seen;
      });
      expect(nacks).toEqual([
        { messageId: 'stage-bad', reason: expect.stringMatching(/^Unable to download: Hashsum validation failed/) },
        { messageId: 'perform-bad', reason: 'Cannot perform update; update not downloaded' },
      ]);
      expect(readdirSync(dir)).toEqual([]);
      expect(await agent.stop()).toBe(0);
    } finally {
      server.close();
    }
  }, TIMEOUT);
});
