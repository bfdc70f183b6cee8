import { defineConfig } from 'tsup';
import { cliBundle } from '../../scripts/tsup-cli';

/** Beside dist/amazon-ecs-agent: the modules it imports when it needs them (see below). */
const AGENT_MODULES_DIR = 'agent-modules';

// V8 grows the young generation to 32 MiB under a burst of task starts and never gives it back; a
// 1 MiB semi-space brings a busy agent back to its idle size, for more (cheap) scavenges in bursts.
const bundle = cliBundle('amazon-ecs-agent', 'src/cli.ts', ['--max-semi-space-size=1']);

export default defineConfig({
  ...bundle,
  // Code split at the dynamic imports: what only some agents run (the EC2, ECR, SSM and Secrets
  // Manager clients, Prometheus, the SDK's other credential providers) stays in files of its own that
  // are never read unless used. Parsing one file with all of it cost every agent about 25 MiB.
  splitting: true,
  outExtension: () => ({ js: '.mjs' }),
  esbuildOptions(options) {
    options.chunkNames = `${AGENT_MODULES_DIR}/[name]-[hash]`;
  },
  onSuccess: 'mv dist/amazon-ecs-agent.mjs dist/amazon-ecs-agent && chmod +x dist/amazon-ecs-agent',
  clean: true,
});
