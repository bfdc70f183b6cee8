import { readFile } from 'node:fs/promises';
import type { Logger } from '@fractal-ecs/common';
import type { HostPaths } from '@fractal-ecs/common';

export type EnvMap = Record<string, string>;

type Log = Pick<Logger, 'debug' | 'warn' | 'error'>;

// Longest excerpt of a malformed line put in the log: enough to find it, short enough not to copy a
// secret that was split over several lines.
const EXCERPT_LENGTH = 40;

/**
 * Parses ecs.config the way ecs-init passes it to the agent: one KEY=VALUE per line, split at the
 * first "=", key and value verbatim (quotes and inner spaces kept, so files mean what they meant to
 * Amazon's ecs-init). Blank lines and "#" comments are skipped; any other line without a key is
 * logged with file:line and skipped.
 */
export function parseEcsConfig(text: string, file: string, log: Log): EnvMap {
  const env: EnvMap = {};
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    // Whole-line trim as upstream: drops indentation and a CRLF file's "\r".
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const separator = line.indexOf('=');
    if (separator <= 0) {
      const excerpt = line.length > EXCERPT_LENGTH ? `${line.slice(0, EXCERPT_LENGTH)}...` : line;
      const reason = separator < 0 ? 'no "="' : 'empty key';
      log.error(`${file}:${index + 1}: ignoring malformed line ${JSON.stringify(excerpt)} (${reason}), expected KEY=VALUE`);
      return;
    }
    env[line.slice(0, separator)] = line.slice(separator + 1);
  });
  return env;
}

/** One ecs.config file; a missing file is an empty one, an unreadable one is logged and empty. */
export async function readEcsConfigFile(file: string, log: Log): Promise<EnvMap> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.error(`could not read ${file}, ignoring it: ${(err as Error).message}`);
    }
    return {};
  }
  return parseEcsConfig(text, file, log);
}

/**
 * The agent's file configuration: /var/lib/ecs/ecs.config (instance config written by AMI tooling)
 * overridden key by key by /etc/ecs/ecs.config (user config). As upstream, the instance config's
 * ECS_ENABLE_GPU_SUPPORT=true (a GPU AMI) holds until `waitForGpus` sees the NVIDIA devices, and is
 * dropped when they never come, so a GPU AMI on a machine without GPUs still starts.
 */
export async function loadEcsConfigFiles(paths: HostPaths, log: Log, waitForGpus?: () => Promise<boolean>): Promise<EnvMap> {
  const instance = await readEcsConfigFile(paths.instanceConfig, log);
  if (instance.ECS_ENABLE_GPU_SUPPORT === 'true' && waitForGpus && !(await waitForGpus())) {
    log.warn('No GPU devices found, ignoring the GPU support config');
    delete instance.ECS_ENABLE_GPU_SUPPORT;
  }
  const user = await readEcsConfigFile(paths.userConfig, log);
  for (const key of Object.keys(user)) {
    if (key in instance) log.debug(`Overriding instance config ${key} with the user config value`);
  }
  return { ...instance, ...user };
}
