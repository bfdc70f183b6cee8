import { defineConfig } from 'tsup';
import { cliBundle } from '../../scripts/tsup-cli';

export default defineConfig({ ...cliBundle('ecs-local-control-plane', 'src/cli.ts'), clean: true });
