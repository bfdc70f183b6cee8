import { buildInfo } from '@fractal-ecs/common';
import { ExitCode, LICENSE_TEXT, runAgent, runHealthcheck, systemHostFacts } from './app';
import { AGENT_FLAGS_USAGE, loadAgentConfig, parseAgentFlags, readConfigFileFromDisk, AgentConfigError, type AgentConfig } from './config';
import { capabilityAttributes, supportedDockerApiVersions } from './ecsclient';

// amazon-ecs-agent: the process ecs-init runs in the agent container. Flags follow Go's flag package
// (`-version`, `--healthcheck`, `-loglevel debug`); the exit code tells ecs-init what to do next.

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseAgentFlags(argv);
  if (!parsed.ok) {
    if (!parsed.helpRequested) process.stderr.write(`${parsed.error}\n`);
    process.stderr.write(AGENT_FLAGS_USAGE);
    return ExitCode.terminal;
  }
  const { flags } = parsed;
  if (flags.version) {
    process.stdout.write(`Amazon ECS Agent:\n\tVersion: ${buildInfo.version}\n\tCommit: ${buildInfo.gitDirty ? '*' : ''}${buildInfo.gitShortHash}\n`);
    return ExitCode.success;
  }
  if (flags.license) {
    process.stdout.write(LICENSE_TEXT);
    return ExitCode.success;
  }
  if (flags.healthcheck) return runHealthcheck(healthcheckHost());
  if (flags.ecsAttributes) {
    const config = configForFlags().config;
    // Like upstream, the Docker API versions come from the daemon; none are listed when it does not answer.
    const api = (await systemHostFacts(config.docker.endpoint).dockerApiRange?.()) ?? {};
    for (const { name, value } of capabilityAttributes(config, { apiVersions: supportedDockerApiVersions(api.min, api.max) })) process.stdout.write(`${name}\t${value ?? ''}\n`);
    return ExitCode.success;
  }

  // The bundle pins its SDK; the SDK's notice about the Node versions of its future releases is not
  // about this binary and would land unformatted in the agent's log.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AbortController();
  // Kept installed: as upstream, a repeated signal does not cut the final save short (it is bounded).
  const stop = (signal: NodeJS.Signals) => controller.abort(signal);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return runAgent({ env: process.env, flags, signal: controller.signal });
}

/** ECS_AGENT_HEALTHCHECK_HOST, read the way the configuration reads it (a bad config still probes). */
function healthcheckHost(): string {
  return configForFlags().config.endpoints.healthcheckHost;
}

/** The configuration for the one-shot flags: a best-effort one even when it has fatal problems. */
function configForFlags(): { config: AgentConfig } {
  try {
    return loadAgentConfig({ env: process.env, readFile: readConfigFileFromDisk });
  } catch (error) {
    if (error instanceof AgentConfigError) return { config: error.config };
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`amazon-ecs-agent: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(ExitCode.error);
  },
);
