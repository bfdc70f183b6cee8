import { defineConfig, type Options } from 'tsup';
import { buildDefines } from '../../scripts/build-info';
import { cliBundle, unusedDockerTransports } from '../../scripts/tsup-cli';

export default defineConfig({
  ...cliBundle('amazon-ecs-init', 'src/cli.ts'),
  // dist/sea/ belongs to the SEA build (seaBundle below); leave it alone.
  clean: ['!sea/**'],
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
  noExternal: [/.*/],
  esbuildPlugins: [unusedDockerTransports],
  shims: true,
  define: buildDefines(),
  clean: true,
  sourcemap: false,
};
