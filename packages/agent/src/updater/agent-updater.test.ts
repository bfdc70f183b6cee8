import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AcsAgentFrame } from '../wire';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { AgentUpdater, NOT_DOWNLOADED_REASON, UPDATES_DISABLED_REASON } from './agent-updater';
import { DESIRED_IMAGE_FILE, type Fetch } from './download-update';

const CLUSTER = 'arn:aws:ecs:us-east-1:000000000000:cluster/default';
const INSTANCE = 'arn:aws:ecs:us-east-1:000000000000:container-instance/default/abc';
const TARBALL = Buffer.from('pretend this is an image tarball');
const SHA256 = createHash('sha256').update(TARBALL).digest('hex');
const LOCATION = 'https://updates.example/ecs-agent-v9.9.9.tar';
const OTHER_TARBALL = Buffer.from('another image tarball');
const OTHER_SHA256 = createHash('sha256').update(OTHER_TARBALL).digest('hex');
const OTHER_LOCATION = 'http://updates.example/ecs-agent-v9.9.10.tar';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'agent-updater-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Serves TARBALL at LOCATION and OTHER_TARBALL at OTHER_LOCATION (or the given status), recording requests. */
function fakeFetch(status = 200): Fetch & { urls: string[] } {
  const urls: string[] = [];
  const fetchUrl = async (url: string) => {
    urls.push(url);
    if (status !== 200) return new Response('no such key', { status });
    return new Response(url === OTHER_LOCATION ? OTHER_TARBALL : TARBALL);
  };
  return Object.assign(fetchUrl, { urls });
}

function setup(options: { enabled?: boolean; downloadDir?: string | null; status?: number } = {}) {
  const fetch = fakeFetch(options.status);
  const sent: AcsAgentFrame[] = [];
  const updater = new AgentUpdater({
    enabled: options.enabled ?? true,
    downloadDir: options.downloadDir === null ? undefined : (options.downloadDir ?? dir),
    logger: recordingLogger(),
    fetch,
  });
  const reply = async (frame: AcsAgentFrame) => {
    sent.push(frame);
  };
  const update = (messageId: string, updateInfo: { location?: string; signature?: string } = { location: LOCATION, signature: SHA256 }) => ({
    messageId,
    clusterArn: CLUSTER,
    containerInstanceArn: INSTANCE,
    updateInfo,
  });
  return { updater, sent, reply, fetch, update };
}

const ack = (messageId: string) => ({ type: 'AckRequest', message: { messageId, cluster: CLUSTER, containerInstance: INSTANCE } });
const nack = (messageId: string, reason: string | ReturnType<typeof expect.stringMatching>) => ({
  type: 'NackRequest',
  message: { messageId, reason, cluster: CLUSTER, containerInstance: INSTANCE },
});

describe('AgentUpdater', () => {
  it('stages: downloads into the download dir, verifies sha256, writes desired-image, acks; perform acks and signals the exit', async () => {
    const { updater, sent, reply, update, fetch } = setup();
    await updater.stage(update('stage-1'), reply);
    expect(fetch.urls).toEqual([LOCATION]);
    const files = (await readdir(dir)).sort();
    const tarball = files.find((name) => name !== DESIRED_IMAGE_FILE)!;
    expect(tarball).toMatch(/^[0-9a-f]{20}\.ecs-update\.tar$/);
    expect(files).toEqual([DESIRED_IMAGE_FILE, tarball].sort());
    expect(await readFile(path.join(dir, tarball))).toEqual(TARBALL);
    expect(await readFile(path.join(dir, DESIRED_IMAGE_FILE), 'utf8')).toBe(`${tarball}\n`);
    expect(sent).toEqual([ack('stage-1')]);
    expect(updater.performed.aborted).toBe(false);

    await updater.perform(update('perform-1'), reply);
    expect(sent).toEqual([ack('stage-1'), ack('perform-1')]);
    expect(updater.performed.aborted).toBe(true);
  });

  it('nacks a tarball whose sha256 differs from the signature, keeps nothing on disk, and refuses to perform', async () => {
    const { updater, sent, reply, update } = setup();
    await updater.stage(update('stage-1', { location: LOCATION, signature: 'f'.repeat(64) }), reply);
    await updater.perform(update('perform-1'), reply);
    expect(sent).toEqual([nack('stage-1', expect.stringMatching(/^Unable to download: Hashsum validation failed: sha256 of .* is [0-9a-f]{64}/)), nack('perform-1', NOT_DOWNLOADED_REASON)]);
    expect(await readdir(dir)).toEqual([]);
    expect(updater.performed.aborted).toBe(false);
  });

  it('nacks both messages with "Updates are disabled" when ECS_UPDATES_ENABLED is off, without downloading', async () => {
    const { updater, sent, reply, update, fetch } = setup({ enabled: false });
    await updater.stage(update('stage-1'), reply);
    await updater.perform(update('perform-1'), reply);
    expect(sent).toEqual([nack('stage-1', UPDATES_DISABLED_REASON), nack('perform-1', UPDATES_DISABLED_REASON)]);
    expect(fetch.urls).toEqual([]);
    expect(updater.performed.aborted).toBe(false);
  });

  it('nacks an HTTP error, a missing location or signature, a non-http location and an unset download dir', async () => {
    const notFound = setup({ status: 404 });
    await notFound.updater.stage(notFound.update('s404'), notFound.reply);
    expect(notFound.sent).toEqual([nack('s404', `Unable to download: GET ${LOCATION}: HTTP 404`)]);
    expect(await readdir(dir)).toEqual([]);

    const { updater, sent, reply, update, fetch } = setup();
    await updater.stage(update('no-location', { signature: SHA256 }), reply);
    await updater.stage(update('no-signature', { location: LOCATION }), reply);
    await updater.stage(update('file-url', { location: 'file:///etc/passwd', signature: SHA256 }), reply);
    const noDir = setup({ downloadDir: null });
    await noDir.updater.stage(noDir.update('no-dir'), noDir.reply);
    expect(sent).toEqual([
      nack('no-location', 'Invalid update: updateInfo.location is missing'),
      nack('no-signature', 'Invalid update: updateInfo.signature is missing'),
      nack('file-url', 'Unable to download: updateInfo.location "file:///etc/passwd": only http and https are supported'),
    ]);
    expect(noDir.sent).toEqual([nack('no-dir', 'Unable to download: ECS_UPDATE_DOWNLOAD_DIR is not set')]);
    expect(fetch.urls).toEqual([]);
  });

  it('acks a redelivered StageUpdate of the staged update without downloading again', async () => {
    const { updater, sent, reply, update, fetch } = setup();
    await updater.stage(update('stage-1'), reply);
    await updater.stage(update('stage-1-again'), reply);
    expect(sent).toEqual([ack('stage-1'), ack('stage-1-again')]);
    expect(fetch.urls).toHaveLength(1);
  });

  it('nacks the staged update with "New update arrived: <id>" when a different one is staged, then stages the new one', async () => {
    const { updater, sent, reply, update, fetch } = setup();
    await updater.stage(update('stage-1'), reply);
    const first = (await readFile(path.join(dir, DESIRED_IMAGE_FILE), 'utf8')).trim();
    await updater.stage(update('stage-2', { location: OTHER_LOCATION, signature: OTHER_SHA256 }), reply);
    expect(sent).toEqual([ack('stage-1'), nack('stage-1', 'New update arrived: stage-2'), ack('stage-2')]);
    expect(fetch.urls).toEqual([LOCATION, OTHER_LOCATION]);
    const second = (await readFile(path.join(dir, DESIRED_IMAGE_FILE), 'utf8')).trim();
    expect(second).not.toBe(first);
    expect(await readFile(path.join(dir, second))).toEqual(OTHER_TARBALL);
  });
});
