import { buildInfo } from '@fractal-ecs/common';
console.log(`ecs-init version ${buildInfo.version} (${buildInfo.gitShortHash})`);
