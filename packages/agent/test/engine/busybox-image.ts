import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pack } from 'tar-stream';

/** Label on every image these tests build, so one command removes them. */
export const TEST_IMAGE_LABEL = 'fractal-ecs.test=engine';

/**
 * A rootfs with the host's static busybox and a link per applet (sh, sleep, nc, httpd...), plus the
 * files the tests read (/etc/passwd with nobody, an index page for httpd).
 */
async function busyboxRootfs(): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const dir of ['bin', 'etc', 'tmp', 'var', 'www', 'proc', 'sys', 'dev', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'root']) {
    archive.entry({ name: dir, type: 'directory', mode: dir === 'tmp' ? 0o1777 : 0o755 });
  }
  archive.entry({ name: 'bin/busybox', mode: 0o755 }, readFileSync('/bin/busybox'));
  const applets = execFileSync('/bin/busybox', ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) {
    if (applet === 'bin/busybox') continue;
    archive.entry({ name: applet, type: 'symlink', linkname: '/bin/busybox' });
  }
  archive.entry({ name: 'etc/passwd', mode: 0o644 }, 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  archive.entry({ name: 'etc/group', mode: 0o644 }, 'root:x:0:\nnogroup:x:65534:\n');
  archive.entry({ name: 'www/index.html', mode: 0o644 }, 'hello from the test image\n');
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/**
 * Imports the busybox rootfs under every tag (`docker import`, no registry). `cmd` becomes the image's
 * CMD (an "nginx" stand-in serves /www on port 80 with busybox httpd).
 */
export async function buildBusyboxImage(tags: readonly string[], cmd: readonly string[] = ['sh']): Promise<void> {
  const rootfs = await busyboxRootfs();
  const [first, ...rest] = tags;
  const result = spawnSync('docker', ['import', '--change', `CMD ${JSON.stringify(cmd)}`, '--change', `LABEL ${TEST_IMAGE_LABEL}`, '-', first!], { input: rootfs });
  if (result.status !== 0) throw new Error(`docker import ${first}: ${result.stderr.toString()}`);
  for (const tag of rest) execFileSync('docker', ['tag', first!, tag]);
}

/** Removes the tags (the image goes with its last one). */
export function removeImages(tags: readonly string[]): void {
  spawnSync('docker', ['rmi', '-f', ...tags], { stdio: 'ignore' });
}
