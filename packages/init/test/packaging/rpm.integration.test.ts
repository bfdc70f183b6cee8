// The RPM built by `make rpm` with the real rpmbuild: its file list, dependencies and scriptlets,
// and its payload unpacked with rpm2cpio, where the single executable must run without any Node.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BUILD_TIMEOUT_MS,
  builtRpm,
  defaultRpmTopdir,
  make,
  mustRun,
  repoRoot,
  run,
  version,
  versionLinePattern,
} from './packaging-build';

const EXPECTED_FILES = [
  '/etc/ecs',
  '/etc/ecs/ecs.config',
  '/etc/ecs/ecs.config.json',
  '/etc/init/ecs.conf',
  '/usr/lib/systemd/system/ecs.service',
  '/usr/libexec/amazon-ecs-init',
  '/usr/share/licenses/amazon-ecs-init/LICENSE.node',
  '/usr/share/man/man1/amazon-ecs-init.1',
  '/var/cache/ecs',
  '/var/cache/ecs/state',
  '/var/lib/ecs',
  '/var/lib/ecs/data',
  '/var/log/ecs',
];

function fileList(rpm: string): string[] {
  return mustRun('rpm', ['-qlp', rpm]).trim().split('\n').sort();
}

/** filename -> [rpm file flags (c config, n noreplace, g ghost, l license, d doc), permissions]. */
function fileAttributes(rpm: string): Map<string, [string, string]> {
  const out = mustRun('rpm', ['-qp', '--qf', '[%{FILENAMES}\t%{FILEFLAGS:fflags}\t%{FILEMODES:perms}\n]', rpm]);
  return new Map(
    out
      .trim()
      .split('\n')
      .map((line) => line.split('\t'))
      .map(([name, flags, mode]) => [name!, [flags!, mode!]]),
  );
}

function unpack(rpm: string, into: string): void {
  mkdirSync(into, { recursive: true });
  mustRun('bash', ['-c', 'rpm2cpio "$1" | cpio -idm --quiet', 'unpack', rpm], { cwd: into });
}

describe('amazon-ecs-init RPM', () => {
  let work: string;
  let rpm: string;
  let root: string;

  beforeAll(() => {
    make('rpm');
    rpm = builtRpm(defaultRpmTopdir);
    work = mkdtempSync(path.join(tmpdir(), 'ecs-rpm-'));
    root = path.join(work, 'root');
    unpack(rpm, root);
  }, BUILD_TIMEOUT_MS);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('is amazon-ecs-init of the repository VERSION for x86_64 only', () => {
    const info = mustRun('rpm', ['-qp', '--qf', '%{NAME} %{VERSION} %{ARCH}\n', rpm]);
    expect(info).toBe(`amazon-ecs-init ${version} x86_64\n`);
    expect(path.basename(rpm)).toMatch(new RegExp(`^amazon-ecs-init-${version.replace(/\./g, '\\.')}-1`));
  });

  it('contains exactly the expected files (no agent tarball unless one is given)', () => {
    expect(fileList(rpm)).toEqual(EXPECTED_FILES);
  });

  it('keeps user configuration across upgrades and ships the executable as 0755', () => {
    const attributes = fileAttributes(rpm);
    expect(attributes.get('/etc/ecs/ecs.config')).toEqual(['cng', '-rw-r--r--']);
    expect(attributes.get('/etc/ecs/ecs.config.json')).toEqual(['cng', '-rw-r--r--']);
    expect(attributes.get('/etc/init/ecs.conf')![0]).toBe('cn');
    expect(attributes.get('/usr/libexec/amazon-ecs-init')).toEqual(['', '-rwxr-xr-x']);
    expect(attributes.get('/var/lib/ecs/data')![1]).toMatch(/^d/);
    expect(attributes.get('/var/log/ecs')![1]).toMatch(/^d/);
  });

  it('requires systemd, iptables, procps (sysctl) and Docker 20.10+', () => {
    const requires = mustRun('rpm', ['-qp', '--requires', rpm]).split('\n').map((line) => line.trim());
    expect(requires).toEqual(expect.arrayContaining(['systemd', 'iptables', 'procps', 'docker >= 20.10.0']));
    expect(mustRun('rpm', ['-qp', '--conflicts', rpm]).trim()).toBe('ecs-init');
  });

  it('has install, erase and post-erase scriptlets guarded for hosts without systemctl', () => {
    const scripts = mustRun('rpm', ['-qp', '--scripts', rpm]);
    expect(scripts).toMatch(/postinstall scriptlet[^\n]*:\n[\s\S]*command -v systemctl[\s\S]*systemctl --no-reload preset ecs\.service/);
    expect(scripts).toMatch(/preuninstall scriptlet[^\n]*:\n[\s\S]*systemctl --no-reload disable ecs\.service[\s\S]*systemctl stop ecs\.service/);
    expect(scripts).toMatch(/postuninstall scriptlet[^\n]*:\n[\s\S]*systemctl daemon-reload/);
    expect(scripts).not.toMatch(/ecs-agent\.tar/);
  });

  describe('scriptlets run against a recording systemctl', () => {
    let bin: string;
    let calls: string;

    beforeAll(() => {
      bin = path.join(work, 'fake-bin');
      calls = path.join(work, 'systemctl-calls');
      mkdirSync(bin, { recursive: true });
      writeFileSync(path.join(bin, 'systemctl'), `#!/bin/sh\necho "$*" >> '${calls}'\n`);
      chmodSync(path.join(bin, 'systemctl'), 0o755);
    });

    /** Runs one scriptlet as rpm would (sh -c <script> with $1 = instance count). */
    function scriptlet(tag: 'POSTIN' | 'PREUN' | 'POSTUN', count: number, pathEnv: string): string[] {
      rmSync(calls, { force: true });
      const script = mustRun('rpm', ['-qp', '--qf', `%{${tag}}`, rpm]);
      mustRun('/bin/sh', ['-c', script, tag, String(count)], { env: { PATH: pathEnv } });
      return existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [];
    }

    const withFake = () => `${bin}:/usr/bin:/bin`;
    // Whether systemd runs on this machine decides if a stop / daemon-reload is attempted.
    const systemdRunning = existsSync('/run/systemd/system');

    it('applies the preset on first install only, not on upgrade', () => {
      expect(scriptlet('POSTIN', 1, withFake())).toEqual(['--no-reload preset ecs.service']);
      expect(scriptlet('POSTIN', 2, withFake())).toEqual([]);
    });

    it('disables (and stops, when systemd runs) on erase, never on upgrade', () => {
      const expected = ['--no-reload disable ecs.service', ...(systemdRunning ? ['stop ecs.service'] : [])];
      expect(scriptlet('PREUN', 0, withFake())).toEqual(expected);
      expect(scriptlet('PREUN', 1, withFake())).toEqual([]);
    });

    it('reloads systemd after erase or upgrade only when systemd runs', () => {
      expect(scriptlet('POSTUN', 0, withFake())).toEqual(systemdRunning ? ['daemon-reload'] : []);
    });

    it('succeeds silently where there is no systemctl at all', () => {
      const empty = path.join(work, 'empty-bin');
      mkdirSync(empty, { recursive: true });
      expect(scriptlet('POSTIN', 1, empty)).toEqual([]);
      expect(scriptlet('PREUN', 0, empty)).toEqual([]);
      expect(scriptlet('POSTUN', 0, empty)).toEqual([]);
    });
  });

  describe('unpacked payload', () => {
    const binary = () => path.join(root, 'usr/libexec/amazon-ecs-init');

    it('runs `version` with no Node on PATH (a self-contained executable)', () => {
      const noNode = path.join(work, 'no-node-bin');
      mkdirSync(noNode, { recursive: true });
      const result = run(binary(), ['version'], { env: { PATH: noNode } });
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(versionLinePattern());
      expect(result.status).toBe(0);
    });

    it('ignores NODE_OPTIONS from its environment (ecs.config is loaded into it)', () => {
      const result = run(binary(), ['version'], { env: { NODE_OPTIONS: '--no-such-node-flag' } });
      expect(result.stdout).toMatch(versionLinePattern());
      expect(result.status).toBe(0);
    });

    it('marks the agent image cache for a forced reload (state 2)', () => {
      expect(readFileSync(path.join(root, 'var/cache/ecs/state'), 'utf8')).toBe('2\n');
    });

    it('installs the repository unit, job and man page unchanged', () => {
      const same = (installed: string, source: string) =>
        expect(readFileSync(path.join(root, installed), 'utf8')).toBe(readFileSync(path.join(repoRoot, source), 'utf8'));
      same('usr/lib/systemd/system/ecs.service', 'systemd/ecs.service');
      same('etc/init/ecs.conf', 'upstart/ecs.conf');
      same('usr/share/man/man1/amazon-ecs-init.1', 'packages/init/man/amazon-ecs-init.1');
    });
  });
});

describe('amazon-ecs-init RPM with AGENT_TARBALL', () => {
  let work: string;
  let rpm: string;
  const tarball = `ecs-agent-v${version}.tar`;
  const content = 'stand-in for the agent image tarball\n';

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'ecs-rpm-agent-'));
    writeFileSync(path.join(work, 'agent.tar'), content);
    const topdir = path.join(work, 'topdir');
    // Fastest zstd level: this build only checks what the tarball adds, not the shipped payload.
    make('rpm', { RPM_TOPDIR: topdir, AGENT_TARBALL: path.join(work, 'agent.tar'), RPM_PAYLOAD: 'w1T.zstdio' });
    rpm = builtRpm(topdir);
  }, BUILD_TIMEOUT_MS);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('carries the versioned tarball and owns the ecs-agent.tar link as a ghost', () => {
    expect(fileList(rpm)).toEqual(
      [...EXPECTED_FILES, `/var/cache/ecs/${tarball}`, '/var/cache/ecs/ecs-agent.tar'].sort(),
    );
    const attributes = fileAttributes(rpm);
    expect(attributes.get(`/var/cache/ecs/${tarball}`)).toEqual(['', '-rw-r--r--']);
    expect(attributes.get('/var/cache/ecs/ecs-agent.tar')![0]).toBe('g');
  });

  it('links ecs-agent.tar to it after install', () => {
    const postin = mustRun('rpm', ['-qp', '--qf', '%{POSTIN}', rpm]);
    expect(postin.split('\n')).toContain(`ln -sf ${tarball} /var/cache/ecs/ecs-agent.tar`);
  });

  it('packages the given file byte for byte', () => {
    const root = path.join(work, 'root');
    unpack(rpm, root);
    expect(readFileSync(path.join(root, 'var/cache/ecs', tarball), 'utf8')).toBe(content);
  });
});
