import type { Options } from 'tsup';
import { buildDefines } from './build-info';

// Everything is bundled except the optional native add-ons of dockerode's ssh transport (ssh2's
// sshcrypto.node and cpu-features): ssh2 loads both inside try/catch and falls back to pure JS, and
// they are never built here (no install scripts), so bundling them would fail the build.
export const optionalNativeModules = ['cpu-features', /\.node$/];
export const bundleEverythingElse = [/^(?!cpu-features$)(?!.*\.node$)/];

/**
 * dist/<name>: an executable ESM entry point run by Node 20+ with every dependency bundled in (what
 * the agent image and the packages embed).
 */
export function cliBundle(name: string, entry: string): Options {
  return {
    entry: { [name]: entry },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    noExternal: bundleEverythingElse,
    external: optionalNativeModules,
    // Lazily imported modules (the SDK's credential providers) stay in the one file: no chunks.
    splitting: false,
    // CommonJS dependencies call require() for Node built-ins, which an ESM bundle lacks.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
    // Bundled CommonJS dependencies use __dirname/__filename at load time (ssh2, via dockerode).
    shims: true,
    define: buildDefines(),
    sourcemap: false,
    onSuccess: `mv dist/${name}.js dist/${name} && chmod +x dist/${name}`,
  };
}
