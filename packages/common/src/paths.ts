import path from 'node:path';

/**
 * Every ECS host path, derived from one root ("/" in production) so tests and the local demo can
 * point the whole host side at a scratch directory.
 */
export class HostPaths {
  constructor(readonly root: string = '/') {}

  private at(...parts: string[]): string {
    return path.join(this.root, ...parts);
  }

  get etcEcs(): string {
    return this.at('etc/ecs');
  }
  /** User config: /etc/ecs/ecs.config. */
  get userConfig(): string {
    return this.at('etc/ecs/ecs.config');
  }
  /** Agent JSON config: /etc/ecs/ecs.config.json. */
  get agentConfigJson(): string {
    return this.at('etc/ecs/ecs.config.json');
  }
  get libEcs(): string {
    return this.at('var/lib/ecs');
  }
  /** Instance config written by AMI tooling: /var/lib/ecs/ecs.config. */
  get instanceConfig(): string {
    return this.at('var/lib/ecs/ecs.config');
  }
  get dataDir(): string {
    return this.at('var/lib/ecs/data');
  }
  get gpuDir(): string {
    return this.at('var/lib/ecs/gpu');
  }
  get depsDir(): string {
    return this.at('var/lib/ecs/deps');
  }
  get cacheDir(): string {
    return this.at('var/cache/ecs');
  }
  get cachedAgentTarball(): string {
    return this.at('var/cache/ecs/ecs-agent.tar');
  }
  get cacheState(): string {
    return this.at('var/cache/ecs/state');
  }
  get desiredImage(): string {
    return this.at('var/cache/ecs/desired-image');
  }
  get logDir(): string {
    return this.at('var/log/ecs');
  }
  get execLogDir(): string {
    return this.at('var/log/ecs/exec');
  }
  get initLog(): string {
    return this.at('var/log/ecs/ecs-init.log');
  }
}
