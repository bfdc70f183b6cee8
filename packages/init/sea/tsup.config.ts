// `tsup --config sea/tsup.config.ts` (run from packages/init): the SEA main script only.
import { defineConfig } from 'tsup';
import { seaBundle } from '../tsup.config';

export default defineConfig(seaBundle);
