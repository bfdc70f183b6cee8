import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { AgentCheckpoint } from './agent-checkpoint';
import { STATE_FILE_NAME, StateFile } from './state-file';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'agent-checkpoint-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A state file that counts its writes. */
class CountingStateFile extends StateFile {
  writes = 0;
  override async save(data: Record<string, unknown>): Promise<void> {
    this.writes++;
    await super.save(data);
  }
}

const saved = () => (JSON.parse(readFileSync(path.join(dir, STATE_FILE_NAME), 'utf8')) as { Data: Record<string, unknown> }).Data;

describe('AgentCheckpoint task-manifest sequence number', () => {
  it('is written with the checkpoint and restored by the next load', async () => {
    const first = new AgentCheckpoint(new StateFile(dir), recordingLogger());
    await first.load();
    expect(first.latestSeqNumberTaskManifest).toBeUndefined();
    first.latestSeqNumberTaskManifest = 42;
    await first.save();
    expect(saved().latestSeqNumberTaskManifest).toBe(42);
    const next = new AgentCheckpoint(new StateFile(dir), recordingLogger());
    await next.load();
    expect(next.latestSeqNumberTaskManifest).toBe(42);
  });

  it('saveSeqNumber writes only when no completed save carried the current value', async () => {
    const file = new CountingStateFile(dir);
    const checkpoint = new AgentCheckpoint(file, recordingLogger());
    checkpoint.latestSeqNumberTaskManifest = 5;
    await checkpoint.save();
    await checkpoint.saveSeqNumber();
    expect(file.writes).toBe(1);
    checkpoint.latestSeqNumberTaskManifest = 6;
    await checkpoint.saveSeqNumber();
    expect(file.writes).toBe(2);
    expect(saved().latestSeqNumberTaskManifest).toBe(6);
  });

  it('counts a loaded value as on disk', async () => {
    writeFileSync(path.join(dir, STATE_FILE_NAME), JSON.stringify({ Data: { latestSeqNumberTaskManifest: 9 }, Version: 31 }));
    const file = new CountingStateFile(dir);
    const checkpoint = new AgentCheckpoint(file, recordingLogger());
    await checkpoint.load();
    await checkpoint.saveSeqNumber();
    expect(file.writes).toBe(0);
  });

  it.each([['"12"'], ['-1'], ['1.5']])('reports a saved value of %s, naming the field, and starts from none', async (value) => {
    writeFileSync(path.join(dir, STATE_FILE_NAME), `{"Data":{"Cluster":"default","ContainerInstanceArn":"arn:ci","latestSeqNumberTaskManifest":${value}},"Version":31}`);
    const logger = recordingLogger();
    const checkpoint = new AgentCheckpoint(new StateFile(dir), logger);
    await checkpoint.load();
    expect(checkpoint.latestSeqNumberTaskManifest).toBeUndefined();
    expect(checkpoint.instance?.containerInstanceArn).toBe('arn:ci');
    expect(logger.records.filter((r) => r.level === 'warn').map((r) => r.msg)).toEqual([`latestSeqNumberTaskManifest: expected a non-negative integer, got ${value}; every task manifest is taken as new`]);
  });

  it('forgetSavedState drops the instance, the tasks and the sequence number, and the next save writes their absence', async () => {
    writeFileSync(
      path.join(dir, STATE_FILE_NAME),
      JSON.stringify({ Data: { Cluster: 'default', ContainerInstanceArn: 'arn:ci', latestSeqNumberTaskManifest: 30, TaskEngine: { Tasks: [{ Arn: 't' }], ImageStates: [] } }, Version: 31 }),
    );
    const checkpoint = new AgentCheckpoint(new StateFile(dir), recordingLogger());
    await checkpoint.load();
    checkpoint.forgetSavedState();
    expect(checkpoint.loadedEngine).toEqual({ tasks: [], images: [] });
    checkpoint.latestSeqNumberTaskManifest = 2;
    await checkpoint.saveSeqNumber();
    expect(saved()).toMatchObject({ ContainerInstanceArn: '', latestSeqNumberTaskManifest: 2, TaskEngine: { Tasks: [] } });
  });
});
