// The systemd unit and the upstart job that run amazon-ecs-init: the directives the lifecycle relies
// on, and the unit checked by the real systemd-analyze against the built single executable.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUILD_TIMEOUT_MS, make, repoRoot, run, seaPath } from './packaging-build';

const BINARY = '/usr/libexec/amazon-ecs-init';
const unitText = readFileSync(path.join(repoRoot, 'systemd/ecs.service'), 'utf8');
const jobText = readFileSync(path.join(repoRoot, 'upstart/ecs.conf'), 'utf8');

/** [section, key, value] for every directive, in file order (comments and blank lines dropped). */
function unitDirectives(text: string): [string, string, string][] {
  const directives: [string, string, string][] = [];
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`not a directive: ${line}`);
    directives.push([section, line.slice(0, eq), line.slice(eq + 1)]);
  }
  return directives;
}

function values(section: string, key: string): string[] {
  return unitDirectives(unitText)
    .filter(([s, k]) => s === section && k === key)
    .map(([, , v]) => v);
}

describe('systemd/ecs.service', () => {
  let work: string;

  beforeAll(() => {
    make('sea');
    work = mkdtempSync(path.join(tmpdir(), 'ecs-unit-'));
    // systemd-analyze verify resolves Documentation=man:amazon-ecs-init(1) with man(1).
    mkdirSync(path.join(work, 'man/man1'), { recursive: true });
    copyFileSync(path.join(repoRoot, 'packages/init/man/amazon-ecs-init.1'), path.join(work, 'man/man1/amazon-ecs-init.1'));
  }, BUILD_TIMEOUT_MS);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  /** systemd-analyze verify on a copy of the unit whose commands run the built executable. */
  function verify(text: string, name: string) {
    const dir = path.join(work, name);
    mkdirSync(dir, { recursive: true });
    const unit = path.join(dir, 'ecs.service');
    writeFileSync(unit, text.replaceAll(BINARY, seaPath));
    return run('systemd-analyze', ['verify', unit], { env: { ...process.env, MANPATH: path.join(work, 'man') } });
  }

  it('passes systemd-analyze verify without a single warning', () => {
    const result = verify(unitText, 'as-shipped');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('is verified strictly enough to catch bad values, unknown keys and missing executables', () => {
    // verify exits 0 on "ignoring" errors, hence the empty-stderr requirement above.
    expect(verify(unitText.replace('RestartSec=10s', 'RestartSec=10 parsecs'), 'bad-value').stderr).toMatch(
      /Failed to parse sec value/,
    );
    expect(verify(unitText.replace('ExecStop=', 'ExecStopp='), 'bad-key').stderr).toMatch(/Unknown key 'ExecStopp'/);
    const missing = verify(unitText.replace(`${BINARY} start`, '/nonexistent/amazon-ecs-init start'), 'no-binary');
    expect(missing.stderr).toMatch(/is not executable/);
    expect(missing.status).not.toBe(0);
  });

  it('follows Docker without failing with it', () => {
    expect(values('Unit', 'Wants')).toEqual(['docker.service']);
    expect(values('Unit', 'PartOf')).toEqual(['docker.service']);
    expect(values('Unit', 'After')).toContain('docker.service');
    expect(values('Unit', 'Requires')).toEqual([]);
  });

  it('restarts on failure except after a terminal agent exit (5), every 10 s', () => {
    expect(values('Service', 'Type')).toEqual(['simple']);
    expect(values('Service', 'Restart')).toEqual(['on-failure']);
    expect(values('Service', 'RestartPreventExitStatus')).toEqual(['5']);
    expect(values('Service', 'RestartSec')).toEqual(['10s']);
  });

  it('loads the optional instance config, then the user config that overrides it', () => {
    expect(values('Service', 'EnvironmentFile')).toEqual(['-/var/lib/ecs/ecs.config', '-/etc/ecs/ecs.config']);
  });

  it('runs one amazon-ecs-init verb per lifecycle hook and starts in multi-user.target', () => {
    expect(values('Service', 'ExecStartPre')).toEqual([`${BINARY} pre-start`]);
    expect(values('Service', 'ExecStart')).toEqual([`${BINARY} start`]);
    expect(values('Service', 'ExecStop')).toEqual([`${BINARY} stop`]);
    expect(values('Service', 'ExecStopPost')).toEqual([`${BINARY} post-stop`]);
    expect(values('Install', 'WantedBy')).toEqual(['multi-user.target']);
  });
});

describe('upstart/ecs.conf', () => {
  const lines = jobText.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));

  it('runs the four upstart verbs of amazon-ecs-init', () => {
    expect(lines).toEqual(
      expect.arrayContaining([
        `pre-start exec ${BINARY} pre-start`,
        `exec ${BINARY} start`,
        `pre-stop exec ${BINARY} pre-stop`,
        `post-stop exec ${BINARY} post-stop`,
      ]),
    );
    expect(lines.filter((line) => /\bexec\b/.test(line))).toHaveLength(4);
  });

  it('starts at the end of runlevels 3-5 and leaves restarts to amazon-ecs-init', () => {
    expect(lines).toContain('start on stopped rc RUNLEVEL=[345]');
    expect(lines.some((line) => /^\s*respawn\b/.test(line))).toBe(false);
  });
});
