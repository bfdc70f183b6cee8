import { execFileSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import Dockerode from 'dockerode';
import { pack } from 'tar-stream';
import { readLoadResponse } from '../src/docker';

/** Every image and container the init integration tests create carries this label. */
export const TEST_LABEL = 'fractal-ecs.test';

/**
 * Stand-in agent: counts its runs in /data/runs (the agent's data bind survives container
 * re-creation), records "<STAND_IN_VERSION>" in /data/versions, prints STAND_IN_LINES log lines, then
 * exits with the run's entry of STAND_IN_PLAN ("1 2 0": exit 1, then 2, then 0). Past the plan's end
 * it idles until SIGTERM and exits 0, like the agent stopping cleanly (from its first output line on).
 */
const STAND_IN_SCRIPT = [
  // First, so a stop at any point after the first output line is a clean exit.
  'trap "exit 0" TERM',
  'n=$(cat /data/runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /data/runs',
  'echo "${STAND_IN_VERSION}" >> /data/versions',
  'i=0; while [ $i -lt ${STAND_IN_LINES:-0} ]; do i=$((i+1)); echo "stand-in log line $i"; done',
  'code=$(echo "$STAND_IN_PLAN" | cut -d" " -f$n)',
  'if [ -n "$code" ]; then exit $code; fi',
  'while :; do sleep 0.1; done',
].join('\n');

/** A rootfs with the host's static busybox and a link for each applet, as an in-memory tar. */
async function busyboxRootfs(): Promise<Buffer> {
  const archive = pack();
  const body = buffer(archive as unknown as AsyncIterable<Buffer>);
  archive.entry({ name: 'bin', type: 'directory', mode: 0o755 });
  archive.entry({ name: 'data', type: 'directory', mode: 0o755 });
  archive.entry({ name: 'bin/busybox', mode: 0o755 }, readFileSync('/bin/busybox'));
  const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) {
    if (applet !== 'busybox') archive.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox' });
  }
  archive.finalize();
  return body;
}

let rootfs: Promise<Buffer> | undefined;

/**
 * Builds a stand-in agent image with `docker import`, tagged `tag` and labelled for cleanup with
 * `fractal-ecs.test=<run>`. `version` is baked in as STAND_IN_VERSION to tell images apart.
 */
export async function buildStandInImage(docker: Dockerode, tag: string, run: string, version: string): Promise<void> {
  rootfs ??= busyboxRootfs();
  const [repo, imageTag] = splitTag(tag);
  const response = await docker.importImage(
    // dockerode's types say a path; any readable stream works.
    Readable.from([await rootfs]) as unknown as string,
    {
      repo,
      tag: imageTag,
      changes: [
        `LABEL ${TEST_LABEL}=${run}`,
        `ENV PATH=/bin STAND_IN_VERSION=${version}`,
        `CMD ["/bin/sh", "-c", ${JSON.stringify(STAND_IN_SCRIPT)}]`,
      ],
    } as object,
  );
  await readLoadResponse(response as unknown as AsyncIterable<Buffer>);
}

/** `docker save` of one image into a file. */
export async function saveImage(docker: Dockerode, tag: string, file: string): Promise<void> {
  const stream = await docker.getImage(tag).get();
  await pipeline(stream, createWriteStream(file));
}

/** Removes the containers and images of one test run (by label), and any tag it names. */
export async function removeTestArtifacts(docker: Dockerode, run: string, tags: string[] = []): Promise<void> {
  const filters = { label: [`${TEST_LABEL}=${run}`] };
  for (const container of await docker.listContainers({ all: true, filters })) {
    await docker.getContainer(container.Id).remove({ force: true }).catch(() => {});
  }
  for (const tag of tags) await docker.getImage(tag).remove({ force: true }).catch(() => {});
  for (const image of await docker.listImages({ all: true, filters })) {
    await docker.getImage(image.Id).remove({ force: true }).catch(() => {});
  }
}

function splitTag(tag: string): [string, string] {
  const colon = tag.lastIndexOf(':');
  return colon > tag.lastIndexOf('/') ? [tag.slice(0, colon), tag.slice(colon + 1)] : [tag, 'latest'];
}
