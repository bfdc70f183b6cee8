import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { pack } from 'tar-stream';

/** Every container, image and volume the agent's Docker tests create carries this label (value: the run). */
export const TEST_LABEL = 'fractal-ecs.agent-test';

/** Label of the images `buildTaggedBusyboxImage` builds, so one command finds any a crashed run left. */
const TAGGED_IMAGE_LABEL = { 'fractal-ecs.test': 'engine' };

let rootfs: Promise<Buffer> | undefined;

/**
 * A rootfs of the host's static busybox with a link per applet in /bin, as an in-memory tar, plus what
 * the tests' containers read: /etc/passwd and /etc/group with nobody (user tests), /www/index.html (the
 * httpd "nginx" stand-in), /data (the init tests' stand-in agent writes there).
 */
function busyboxRootfs(): Promise<Buffer> {
  rootfs ??= (async () => {
    const archive = pack();
    const body = buffer(archive as unknown as AsyncIterable<Buffer>);
    for (const dir of ['bin', 'data', 'dev', 'etc', 'proc', 'root', 'sys', 'tmp', 'var', 'www']) {
      archive.entry({ name: dir, type: 'directory', mode: dir === 'tmp' ? 0o1777 : 0o755 });
    }
    archive.entry({ name: 'bin/busybox', mode: 0o755 }, readFileSync('/bin/busybox'));
    const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const applet of applets) {
      if (applet !== 'busybox') archive.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox' });
    }
    archive.entry({ name: 'etc/passwd', mode: 0o644 }, 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
    archive.entry({ name: 'etc/group', mode: 0o644 }, 'root:x:0:\nnogroup:x:65534:\n');
    archive.entry({ name: 'www/index.html', mode: 0o644 }, 'hello from the test image\n');
    archive.finalize();
    return body;
  })();
  return rootfs;
}

export interface BusyboxImageOptions {
  labels?: Record<string, string>;
  env?: Record<string, string>;
  cmd?: readonly string[];
  /** The daemon (a DOCKER_HOST value); default DOCKER_HOST. */
  host?: string;
}

/** `docker import`s the busybox rootfs under every tag (no registry); resolves the image ID. */
export async function importBusyboxImage(tags: readonly string[], options: BusyboxImageOptions = {}): Promise<string> {
  const [first, ...rest] = tags;
  if (!first) throw new Error('importBusyboxImage: tags is empty');
  const { labels = {}, env = {}, cmd, host } = options;
  const changes = [
    ...Object.entries(labels).map(([key, value]) => `LABEL ${key}=${value}`),
    ...(Object.keys(env).length ? [`ENV ${Object.entries(env).map(([key, value]) => `${key}=${value}`).join(' ')}`] : []),
    ...(cmd ? [`CMD ${JSON.stringify(cmd)}`] : []),
  ];
  const id = (await docker(['import', ...changes.flatMap((change) => ['--change', change]), '-', first], await busyboxRootfs(), host)).trim();
  for (const tag of rest) await docker(['tag', first, tag], undefined, host);
  return id;
}

/**
 * A busybox image tagged `tag`, labelled `TEST_LABEL=<run>`. `marker` lands in the image's environment
 * as IMAGE_MARKER, so two builds differ in ID.
 */
export function buildBusyboxImage(tag: string, run: string, marker = ''): Promise<string> {
  return importBusyboxImage([tag], { labels: { [TEST_LABEL]: run }, env: { PATH: '/bin', IMAGE_MARKER: marker }, cmd: ['/bin/sh'] });
}

/**
 * A busybox image under every tag, removed with `removeImages`. `cmd` becomes the image's CMD (an
 * "nginx" stand-in serves /www on port 80 with busybox httpd).
 */
export async function buildTaggedBusyboxImage(tags: readonly string[], cmd: readonly string[] = ['sh']): Promise<void> {
  await importBusyboxImage(tags, { labels: TAGGED_IMAGE_LABEL, cmd });
}

/** Removes the tags (the image goes with its last one). */
export function removeImages(tags: readonly string[]): void {
  spawnSync('docker', ['rmi', '-f', ...tags], { stdio: 'ignore' });
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
