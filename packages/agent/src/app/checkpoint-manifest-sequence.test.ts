import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { AgentCheckpoint, StateFile } from '../statemanager';
import { checkpointManifestSequence } from './checkpoint-manifest-sequence';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'manifest-sequence-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function loaded(): Promise<AgentCheckpoint> {
  const checkpoint = new AgentCheckpoint(new StateFile(dir), recordingLogger());
  await checkpoint.load();
  return checkpoint;
}

describe('checkpointManifestSequence', () => {
  it('starts at 0, only rises, and a persisted value is what the next agent run starts from', async () => {
    const sequence = checkpointManifestSequence(await loaded());
    expect(sequence.latest()).toBe(0);
    sequence.raise(12);
    sequence.raise(4);
    expect(sequence.latest()).toBe(12);
    await sequence.persist();
    expect(checkpointManifestSequence(await loaded()).latest()).toBe(12);
  });

  it('is kept in memory when checkpointing is off', async () => {
    const sequence = checkpointManifestSequence(new AgentCheckpoint(undefined, recordingLogger()));
    sequence.raise(3);
    await sequence.persist();
    expect(sequence.latest()).toBe(3);
  });
});
