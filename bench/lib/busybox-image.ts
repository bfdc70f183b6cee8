import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type Dockerode from 'dockerode';
import { pack } from 'tar-stream';

/** `docker import` of the host's static busybox (a link per applet) as `tag`, labelled for cleanup. */
export async function importBusybox(docker: Dockerode, tag: string, label: string): Promise<void> {
  const archive = pack();
  const body = buffer(archive as unknown as AsyncIterable<Buffer>);
  archive.entry({ name: 'bin', type: 'directory', mode: 0o755 });
  archive.entry({ name: 'bin/busybox', mode: 0o755 }, readFileSync('/bin/busybox'));
  for (const applet of execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    if (applet !== 'busybox') archive.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox' });
  }
  archive.finalize();
  const [repo, imageTag] = tag.split(':') as [string, string];
  const stream = await docker.importImage(Readable.from([await body]) as unknown as string, { repo, tag: imageTag, changes: [`LABEL ${label}=1`, 'ENV PATH=/bin'] } as object);
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream as NodeJS.ReadableStream, (error) => (error ? reject(error) : resolve())));
}
