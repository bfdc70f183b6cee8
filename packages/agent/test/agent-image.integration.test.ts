import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The release image, built the way `make release` builds it (no Docker, no base image), then loaded
// and run by the real Docker engine with the host library binds ecs-init adds.
const TIMEOUT = 180_000;
const packageDir = path.resolve('packages/agent');
const bundle = path.join(packageDir, 'dist', 'amazon-ecs-agent');
const TAG = `fractal-ecs-test/agent-image-${process.pid}:latest`;
// ecs-init bind-mounts these host directories read-only over the agent container (for iptables and
// friends); the image's Node must keep running on its own libraries regardless.
const HOST_LIBRARY_BINDS = ['/lib', '/lib64', '/usr/lib', '/usr/lib64', '/usr/sbin'].filter(existsSync).flatMap((dir) => ['-v', `${dir}:${dir}:ro`]);

let work: string;
let tarball: string;

function docker(args: string[]) {
  return spawnSync('docker', args, { encoding: 'utf8', timeout: 60_000 });
}

beforeAll(() => {
  if (!existsSync(bundle)) execFileSync('pnpm', ['run', 'build'], { cwd: packageDir, stdio: 'ignore' });
  work = mkdtempSync(path.join(tmpdir(), 'agent-image-'));
  tarball = path.join(work, 'ecs-agent-test.tar');
  const built = execFileSync('node', ['packages/agent/image/build-image.mjs', '--tag', TAG, '--output', tarball], { encoding: 'utf8' });
  // The build's own summary carries both sizes; keep it in the test log.
  console.log(built.trim());
  const load = docker(['load', '-i', tarball]);
  expect(load.stdout).toContain(`Loaded image: ${TAG}`);
}, TIMEOUT);

afterAll(() => {
  docker(['rmi', '-f', TAG]);
  rmSync(work, { recursive: true, force: true });
});

describe('agent image', () => {
  it('is a docker-archive tarball of one gzip layer, small next to its loaded size', () => {
    const listing = execFileSync('tar', ['tf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const digest = '[0-9a-f]{64}';
    expect(listing.map((name) => name.replace(new RegExp(digest, 'g'), '<digest>')).sort()).toEqual(['<digest>.json', '<digest>/', '<digest>/layer.tar.gz', 'manifest.json']);
    const loadedBytes = Number(docker(['image', 'inspect', TAG, '--format', '{{.Size}}']).stdout.trim());
    const tarballBytes = statSync(tarball).size;
    console.log(`agent image: ${(tarballBytes / 1048576).toFixed(1)} MiB tarball, ${(loadedBytes / 1048576).toFixed(1)} MiB loaded`);
    expect(tarballBytes).toBeLessThan(loadedBytes / 2);
  });

  it('has upstream entrypoint, healthcheck, ports and PATH', () => {
    const config = JSON.parse(docker(['image', 'inspect', TAG, '--format', '{{json .Config}}']).stdout) as Record<string, unknown>;
    expect(config.Entrypoint).toEqual(['/agent']);
    expect(config.Healthcheck).toEqual({ Test: ['CMD', '/agent', '--healthcheck'] });
    expect(config.ExposedPorts).toEqual({ '51678/tcp': {}, '51679/tcp': {} });
    expect(config.Env).toEqual(['PATH=/host/sbin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  });

  it('prints the agent version with -version on its own Node, under the host library binds', () => {
    const expected = execFileSync('node', [bundle, '-version'], { encoding: 'utf8' });
    const run = docker(['run', '--rm', ...HOST_LIBRARY_BINDS, TAG, '-version']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(expected);
    // Nothing of the host's Node is reachable inside: the only node is the image's own.
    const which = docker(['run', '--rm', '--entrypoint', '/opt/amazon-ecs-agent/bin/node', TAG, '-p', 'process.version + " " + process.execPath']);
    expect(which.stdout.trim()).toMatch(/^v24\.\d+\.\d+ \/opt\/amazon-ecs-agent\/bin\/node$/);
  });

  it('runs its healthcheck command, which fails without an agent listening', () => {
    const run = docker(['run', '--rm', '--network', 'none', '--entrypoint', '/agent', TAG, '--healthcheck']);
    // 1 is the healthcheck's unhealthy answer; a missing or unrunnable command would be 126/127.
    expect(run.status).toBe(1);
  });

  it('runs the host iptables through /host/sbin and the host libraries', () => {
    const run = docker(['run', '--rm', '--cap-add', 'NET_ADMIN', ...HOST_LIBRARY_BINDS, '-v', '/sbin:/host/sbin:ro', '-v', '/etc/alternatives:/etc/alternatives:ro', '--entrypoint', '/opt/amazon-ecs-agent/bin/node', TAG, '-e', 'process.stdout.write(require("child_process").execFileSync("iptables", ["--version"]))']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^iptables v\d/);
  });

  it('carries koffi beside /agent for the Fractal uinput provider, loadable under the host library binds', () => {
    const script = 'const koffi = require("module").createRequire("/agent")("koffi"); process.stdout.write(typeof koffi.load("libc.so.6").func);';
    const run = docker(['run', '--rm', ...HOST_LIBRARY_BINDS, '--entrypoint', '/opt/amazon-ecs-agent/bin/node', TAG, '-e', script]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('function');
  });
});
