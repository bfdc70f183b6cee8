import { defineConfig, type Options } from 'tsup';
import { buildDefines } from '../../scripts/build-info';

// Everything is bundled except the optional native add-ons of dockerode's ssh transport (ssh2's
// sshcrypto.node and cpu-features): ssh2 loads both inside try/catch and falls back to pure JS, and
// they are never built here (no install scripts), so bundling them would fail the build.
const optionalNativeModules = ['cpu-features', /\.node$/];
const bundleEverythingElse = [/^(?!cpu-features$)(?!.*\.node$)/];

// dist/amazon-ecs-init is an ESM entry point run by the machine's Node; everything is bundled in,
// so the file runs anywhere with Node 20+ (and it is what the agent image embeds).
export default defineConfig({
  entry: { 'amazon-ecs-init': 'src/cli.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  noExternal: bundleEverythingElse,
  external: optionalNativeModules,
  // CommonJS dependencies call require() for Node built-ins, which an ESM bundle lacks.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  // Bundled CommonJS dependencies use __dirname/__filename at load time (ssh2, via dockerode):
  // derive them from import.meta.url.
  shims: true,
  define: buildDefines(),
  // dist/sea/ belongs to the SEA build (seaBundle below); leave it alone.
  clean: ['!sea/**'],
  sourcemap: false,
  onSuccess: 'mv dist/amazon-ecs-init.js dist/amazon-ecs-init && chmod +x dist/amazon-ecs-init',
});

// dist/sea/amazon-ecs-init.cjs, the main script of the single executable (sea/build-sea.mjs). Built
// only by `pnpm run build:sea` (sea/tsup.config.ts), so `make build` and tests that run
// dist/amazon-ecs-init never race with a SEA build. Node 24's SEA runs one CommonJS script whose
// require() only reaches built-ins, hence a fully bundled CJS file; `shims` turns import.meta.url
// in bundled ESM code into a __filename URL.
export const seaBundle: Options = {
  entry: { 'amazon-ecs-init': 'src/cli.ts' },
  outDir: 'dist/sea',
  format: ['cjs'],
  outExtension: () => ({ js: '.cjs' }),
  platform: 'node',
  target: 'node24',
  noExternal: bundleEverythingElse,
  external: optionalNativeModules,
  shims: true,
  define: buildDefines(),
  clean: true,
  sourcemap: false,
};
