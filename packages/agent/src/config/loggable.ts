import type { AgentConfig } from './agent-config';

/**
 * The effective configuration as plain JSON for a startup log line. Secrets (registry auth data, AWS
 * credentials) come out as "[redacted]": Secret serialises that way wherever it sits.
 */
export function toLoggable(config: AgentConfig): Record<string, unknown> {
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}
