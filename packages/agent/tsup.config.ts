import { defineConfig } from 'tsup';
import { cliBundle } from '../../scripts/tsup-cli';

export default defineConfig({ ...cliBundle('amazon-ecs-agent', 'src/cli.ts'), clean: true });
