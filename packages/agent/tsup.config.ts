import { defineConfig } from 'tsup';
import { buildDefines } from '../../scripts/build-info';

// dist/amazon-ecs-agent is an ESM entry point run by the machine's Node; everything is bundled in, so
// the file runs anywhere with Node 20+ (and it is what the agent image and the SEA embed).
export default defineConfig({
  entry: { 'amazon-ecs-agent': 'src/cli.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  noExternal: [/.*/],
  // The SDK's credential providers are loaded with dynamic import(); one file still, no chunks.
  splitting: false,
  // CommonJS dependencies call require() for Node built-ins, which an ESM bundle lacks.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  define: buildDefines(),
  clean: true,
  sourcemap: false,
  onSuccess: 'mv dist/amazon-ecs-agent.js dist/amazon-ecs-agent && chmod +x dist/amazon-ecs-agent',
});
