import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { pack } from 'tar-stream';

/** Every container, image and volume the agent's Docker tests create carries this label (value: the run). */
export const TEST_LABEL = 'fractal-ecs.agent-test';

let rootfs: Promise<Buffer> | undefined;

/** A rootfs of the host's static busybox with a link per applet, as an in-memory tar. */
export function busyboxRootfs(): Promise<Buffer> {
  rootfs ??= (async () => {
    const archive = pack();
    const body = buffer(archive as unknown as AsyncIterable<Buffer>);
    for (const dir of ['bin', 'tmp', 'etc']) archive.entry({ name: dir, type: 'directory', mode: dir === 'tmp' ? 0o1777 : 0o755 });
    archive.entry({ name: 'bin/busybox', mode: 0o755 }, readFileSync('/bin/busybox'));
    const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const applet of applets) {
      if (applet !== 'busybox') archive.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox' });
    }
    archive.finalize();
    return body;
  })();
  return rootfs;
}

/**
 * `docker import`s a busybox image tagged `tag`, labelled `TEST_LABEL=<run>`. `marker` lands in the
 * image's environment as IMAGE_MARKER, so two builds differ in ID.
 */
export async function buildBusyboxImage(tag: string, run: string, marker = ''): Promise<string> {
  const tar = await busyboxRootfs();
  const changes = [`LABEL ${TEST_LABEL}=${run}`, `ENV PATH=/bin IMAGE_MARKER=${marker}`, 'CMD ["/bin/sh"]'];
  const id = await docker(['import', ...changes.flatMap((change) => ['--change', change]), '-', tag], tar);
  return id.trim();
}

/** Runs the docker CLI (against `host`, default DOCKER_HOST); resolves its stdout. */
export function docker(args: string[], input?: Buffer, host?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('docker', host ? ['-H', host, ...args] : args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`docker ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
    if (input) child.stdin!.end(input);
  });
}

/** Removes the containers, images and volumes of one run (by label), and the extra image tags named. */
export async function removeTestArtifacts(run: string, tags: readonly string[] = []): Promise<void> {
  const filter = `label=${TEST_LABEL}=${run}`;
  const containers = (await docker(['ps', '-aq', '--filter', filter])).split('\n').filter(Boolean);
  if (containers.length) await docker(['rm', '-fv', ...containers]).catch(() => '');
  const volumes = (await docker(['volume', 'ls', '-q', '--filter', filter])).split('\n').filter(Boolean);
  if (volumes.length) await docker(['volume', 'rm', '-f', ...volumes]).catch(() => '');
  for (const tag of tags) await docker(['rmi', '-f', tag]).catch(() => '');
  const images = (await docker(['images', '-q', '--filter', filter])).split('\n').filter(Boolean);
  if (images.length) await docker(['rmi', '-f', ...new Set(images)]).catch(() => '');
}
