import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { importBusyboxImage } from '../../agent/test/support/busybox-image';

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

/**
 * Builds a stand-in agent image with `docker import`, tagged `tag` and labelled for cleanup with
 * `fractal-ecs.test=<run>`. `version` is baked in as STAND_IN_VERSION to tell images apart.
 */
export async function buildStandInImage(docker: Dockerode, tag: string, run: string, version: string): Promise<void> {
  // docker-modem keeps its options on itself; its types leave socketPath out.
  const { socketPath } = docker.modem as { socketPath?: unknown };
  if (typeof socketPath !== 'string') throw new Error('buildStandInImage: the Docker client has no socketPath (a unix socket is needed)');
  await importBusyboxImage([tag], {
    labels: { [TEST_LABEL]: run },
    env: { PATH: '/bin', STAND_IN_VERSION: version },
    cmd: ['/bin/sh', '-c', STAND_IN_SCRIPT],
    host: `unix://${socketPath}`,
  });
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
