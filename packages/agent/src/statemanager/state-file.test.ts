import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CorruptStateFileError, STATE_FILE_NAME, StateFile } from './state-file';
import { StateManager } from './state-manager';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'state-file-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = () => new Date('2021-02-19T18:00:00.000Z');

describe('StateFile', () => {
  it('round-trips Data inside the upstream envelope and leaves no temporary file', async () => {
    const file = new StateFile(dir, at);
    expect(await file.load()).toBeUndefined();
    await file.save({ Cluster: 'prod', ContainerInstanceArn: 'arn:ci' });
    expect(JSON.parse(readFileSync(path.join(dir, STATE_FILE_NAME), 'utf8'))).toEqual({ Data: { Cluster: 'prod', ContainerInstanceArn: 'arn:ci' }, Version: 31 });
    expect(await file.load()).toEqual({ Cluster: 'prod', ContainerInstanceArn: 'arn:ci' });
    expect(readdirSync(dir)).toEqual([STATE_FILE_NAME]);
  });

  it.each([
    ['{"Data":{"Cluster":', /expected JSON/],
    ['', /the file is empty/],
    ['{"Data":{},"Version":99}', /Version: 99 is newer/],
    ['{"Version":31}', /Data: expected an object, got null/],
  ])('moves a corrupt file (%j) aside, naming the file and the problem', async (text, problem) => {
    writeFileSync(path.join(dir, STATE_FILE_NAME), text);
    const error = await new StateFile(dir, at).load().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptStateFileError);
    expect((error as Error).message).toContain(path.join(dir, STATE_FILE_NAME));
    expect((error as Error).message).toMatch(problem);
    const aside = `${STATE_FILE_NAME}.corrupt-2021-02-19T18-00-00-000Z`;
    expect(readdirSync(dir)).toEqual([aside]);
    expect(readFileSync(path.join(dir, aside), 'utf8')).toBe(text);
  });
});

describe('StateManager', () => {
  it('folds saves asked for during a write into one later write that sees the newest state', async () => {
    let value = 0;
    const snapshots: number[] = [];
    const file = new StateFile(dir, at);
    const manager = new StateManager(file, () => {
      snapshots.push(value);
      return { Value: value };
    });
    value = 1;
    const first = manager.save();
    value = 2;
    const second = manager.save();
    value = 3;
    const third = manager.save();
    await Promise.all([first, second, third]);
    expect(snapshots).toEqual([1, 3]);
    expect(await file.load()).toEqual({ Value: 3 });
  });
});
