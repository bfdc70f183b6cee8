import { readFileSync } from 'node:fs';
import { Diagnostics } from './diagnostics';
import { decodeJsonValue, isPlainObject, jsonErrorPosition } from './go-values';
import { ENVIRONMENT_ONLY_FILE_KEYS, UPSTREAM_FIELDS, type UpstreamField, type UpstreamSettings } from './upstream-fields';

/** The text of a config file, or undefined when there is none to open. Throws when it cannot be read. */
export type ConfigFileReader = (path: string) => string | undefined;

/**
 * Upstream opens the file and ignores any failure to open it (missing, unreadable); a failure to read
 * what it opened (a directory) is an error.
 */
export const readConfigFileFromDisk: ConfigFileReader = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'ELOOP') {
      return undefined;
    }
    throw error;
  }
};

/**
 * The JSON config file: keys are upstream's Go field names, matched case-insensitively; durations are
 * integer nanoseconds. Missing or blank: nothing. Unreadable, invalid JSON or a value of the wrong type:
 * fatal, as upstream, and none of the file is used.
 */
export function readConfigFileSettings(path: string, readFile: ConfigFileReader, diag: Diagnostics): UpstreamSettings {
  const source = `config file ${path} (ECS_AGENT_CONFIG_FILE_PATH)`;
  let text: string | undefined;
  try {
    text = readFile(path);
  } catch (error) {
    diag.fatal(`cannot read the ${source}: ${error instanceof Error ? error.message : String(error)}`);
    return {};
  }
  if (text === undefined || text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    diag.fatal(`the ${source} is unusable: ${jsonErrorPosition(text, error)}; none of its settings were applied`);
    return {};
  }
  const local = new Diagnostics();
  const settings = decodeUpstreamConfig(json, source, local);
  diag.warnings.push(...local.warnings);
  if (local.problems.length === 0) return settings;
  for (const problem of local.problems) diag.fatal(`${problem}; none of the file's settings were applied`);
  return {};
}

/**
 * EC2 user data of the form {"ECSAgentConfiguration": {<config keys>}}. Anything else (usually a shell
 * script) is silently not configuration; a configuration with bad values is ignored whole, as upstream.
 */
export function readUserDataSettings(userData: string, diag: Diagnostics): UpstreamSettings {
  let json: unknown;
  try {
    json = JSON.parse(userData);
  } catch {
    return {};
  }
  if (!isPlainObject(json)) return {};
  const key = Object.keys(json).find((name) => name.toLowerCase() === 'ecsagentconfiguration');
  if (key === undefined) return {};
  const local = new Diagnostics();
  const settings = decodeUpstreamConfig(json[key], 'EC2 user data ECSAgentConfiguration', local);
  diag.warnings.push(...local.warnings);
  if (local.problems.length === 0) return settings;
  for (const problem of local.problems) diag.warn(`${problem}; the user data configuration was ignored`);
  return {};
}

const FIELDS_BY_LOWER_NAME = new Map(
  (Object.keys(UPSTREAM_FIELDS) as UpstreamField[]).map((field) => [field.toLowerCase(), field]),
);
const ENVIRONMENT_ONLY_BY_LOWER_NAME = new Map(
  Object.entries(ENVIRONMENT_ONLY_FILE_KEYS).map(([key, env]) => [key.toLowerCase(), env]),
);

function decodeUpstreamConfig(json: unknown, source: string, diag: Diagnostics): UpstreamSettings {
  if (json === null) return {};
  if (!isPlainObject(json)) {
    diag.fatal(`the ${source} must be a JSON object of config keys such as {"Cluster":"my-cluster"}`);
    return {};
  }
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const field = FIELDS_BY_LOWER_NAME.get(key.toLowerCase());
    if (field === undefined) {
      const environmentOnly = ENVIRONMENT_ONLY_BY_LOWER_NAME.get(key.toLowerCase());
      diag.warn(
        environmentOnly
          ? `${source}: key "${key}" is ignored; upstream only takes it from ${environmentOnly}`
          : `${source}: unknown key "${key}" is ignored`,
      );
      continue;
    }
    // As in Go, null leaves the field alone (a later duplicate key with a value still wins).
    if (value === null) continue;
    // EngineAuthData, the one secret, takes any JSON, so a value shown here is never a secret.
    const decoded = decodeJsonValue(UPSTREAM_FIELDS[field].kind, value);
    if (decoded.ok) settings[field] = decoded.value;
    else diag.fatal(`the ${source}: "${key}" must be ${decoded.expected}, got ${JSON.stringify(value)}`);
  }
  return settings as UpstreamSettings;
}
