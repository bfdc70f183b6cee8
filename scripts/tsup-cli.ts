import type { Options } from 'tsup';
import { buildDefines } from './build-info';

/**
 * dockerode requires gRPC and protobufjs (BuildKit sessions) and docker-modem requires ssh2 (ssh://
 * hosts) when they load, yet neither binary uses them: DOCKER_HOST is unix:// or tcp://. Each is
 * replaced by a stub whose every export throws when used, which keeps 1.5 MB of code out of every
 * process that talks to Docker.
 */
export const unusedDockerTransports: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'unused-docker-transports',
  setup(build) {
    build.onResolve({ filter: /^(ssh2|@grpc\/grpc-js|@grpc\/proto-loader|protobufjs)$/ }, (args) => ({ path: args.path, namespace: 'unused-docker-transport' }));
    build.onLoad({ filter: /.*/, namespace: 'unused-docker-transport' }, (args) => ({
      loader: 'js',
      contents: `const unavailable = () => { throw new Error(${JSON.stringify(`${args.path} is not in this build: DOCKER_HOST must be unix:// or tcp://`)}); };
module.exports = new Proxy(unavailable, { get: () => unavailable });`,
    }));
  },
};

/**
 * dist/<name>: an executable ESM entry point run by Node 20+ with every dependency bundled in (what
 * the agent image and the packages embed). `nodeFlags` go on its `#!` line, so they apply whenever the
 * file is executed (the agent image keeps them on its own `#!` line).
 */
export function cliBundle(name: string, entry: string, nodeFlags: readonly string[] = []): Options {
  const shebang = nodeFlags.length > 0 ? `#!/usr/bin/env -S node ${nodeFlags.join(' ')}` : '#!/usr/bin/env node';
  return {
    entry: { [name]: entry },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    noExternal: [/.*/],
    esbuildPlugins: [unusedDockerTransports],
    // Lazily imported modules (the SDK's credential providers) stay in the one file: no chunks.
    splitting: false,
    // CommonJS dependencies call require() for Node built-ins, which an ESM bundle lacks.
    banner: {
      js: `${shebang}\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);`,
    },
    // Bundled CommonJS code may read __dirname/__filename, which ESM lacks.
    shims: true,
    define: buildDefines(),
    sourcemap: false,
    onSuccess: `mv dist/${name}.js dist/${name} && chmod +x dist/${name}`,
  };
}
