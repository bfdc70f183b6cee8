import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HostPaths } from '@fractal-ecs/common';
import { detailedOsFamily, probeHost } from './host-facts';

describe('detailedOsFamily', () => {
  it.each([
    ['NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nVERSION_ID="2023"\n', 'amzn_2023'],
    ["ID=debian\nVERSION_ID='11'\n", 'debian_11'],
    ['ID=ubuntu\nVERSION_ID="22.04"\n', 'ubuntu_22.04'],
    ['ID=arch\n', 'linux'],
    ['VERSION_ID=1\n', 'linux'],
    ['', 'linux'],
  ])('%j -> %s', (text, family) => expect(detailedOsFamily(text)).toBe(family));
});

describe('probeHost', () => {
  it('looks for ECS directories under the root and system paths on the host', async () => {
    const paths = new HostPaths(mkdtempSync(path.join(tmpdir(), 'ecs-init-probe-')));

    const bare = await probeHost(paths, path.join(paths.root, 'no.sock'));
    expect(bare).toMatchObject({
      ebsDirExists: false,
      managedAgentsDirExists: false,
      execCommandDirExists: false,
      credentialsFetcherSocketExists: false,
    });

    mkdirSync(path.join(paths.root, 'mnt/ecs/ebs'), { recursive: true });
    mkdirSync(path.join(paths.depsDir, 'execute-command'), { recursive: true });
    const ready = await probeHost(paths, paths.root);
    expect(ready).toMatchObject({
      ebsDirExists: true,
      managedAgentsDirExists: true,
      execCommandDirExists: true,
      credentialsFetcherSocketExists: true,
    });
    // This machine's own /sys/fs/cgroup and os-release.
    expect(ready.cgroupMountpoint).toBe('/sys/fs/cgroup');
    expect(ready.osFamily).toMatch(/^\w+_[\w.]+$|^linux$/);
  });
});
