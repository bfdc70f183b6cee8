import { buildInfo } from '@fractal-ecs/common';

// Skeleton until the agent lands (issue 3): reports its version like upstream's `-version`.
console.log(`Amazon ECS Agent:\n\tVersion: ${buildInfo.version}\n\tCommit: ${buildInfo.gitShortHash}`);
