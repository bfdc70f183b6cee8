import type { AgentConfig } from './agent-config';

/**
 * A configuration upstream refuses to start with (exit code 1, so ecs-init restarts the agent).
 * `config` is still a best-effort configuration, with every fatal value replaced by its default, so
 * the CLI can set up logging (and `-healthcheck` can find its host) before reporting the problems.
 */
export class AgentConfigError extends Error {
  override readonly name = 'AgentConfigError';

  constructor(
    readonly problems: readonly string[],
    readonly config: AgentConfig,
    readonly warnings: readonly string[],
  ) {
    super(`invalid agent configuration: ${problems.join('; ')}`);
  }
}
