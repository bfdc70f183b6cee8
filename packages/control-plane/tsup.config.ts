import { defineConfig } from 'tsup';
import { buildDefines } from '../../scripts/build-info';

// dist/ecs-local-control-plane is an ESM entry point run by the machine's Node; everything is
// bundled in, so the file runs anywhere with Node 20+.
export default defineConfig({
  entry: { 'ecs-local-control-plane': 'src/cli.ts' },
  format: ['esm'],
  // One file: the SDK's lazy imports would otherwise become chunks beside the binary.
  splitting: false,
  platform: 'node',
  target: 'node20',
  noExternal: [/.*/],
  // CommonJS dependencies call require() for Node built-ins, which an ESM bundle lacks.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  define: buildDefines(),
  clean: true,
  sourcemap: false,
  onSuccess: 'mv dist/ecs-local-control-plane.js dist/ecs-local-control-plane && chmod +x dist/ecs-local-control-plane',
});
