import type { SecretValues } from './emulated-secret-services';

/**
 * The --secret-values file: {"parameters": {name: value}, "secrets": {name: value},
 * "ecr": {registryId: {"username", "password", "proxyEndpoint"}}}, every part optional. A file, not
 * flags, so values stay out of the process list. Errors name the field, never a value.
 */
export function parseSecretValues(text: string, source: string): SecretValues {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const root = object(parsed, source);
  for (const key of Object.keys(root)) {
    if (!['parameters', 'secrets', 'ecr'].includes(key)) throw new Error(`${source}: unknown field ${JSON.stringify(key)} (expected parameters, secrets, ecr)`);
  }
  const strings = (value: unknown, field: string): Record<string, string> => {
    const entries = object(value ?? {}, `${source}: ${field}`);
    for (const [name, entry] of Object.entries(entries)) if (typeof entry !== 'string') throw new Error(`${source}: ${field}.${name} must be a string`);
    return entries as Record<string, string>;
  };
  const ecr: NonNullable<SecretValues['ecr']> = {};
  for (const [registryId, raw] of Object.entries(object(root.ecr ?? {}, `${source}: ecr`))) {
    const login = strings(raw, `ecr.${registryId}`);
    for (const field of ['username', 'password', 'proxyEndpoint'] as const) {
      if (!login[field]) throw new Error(`${source}: ecr.${registryId}.${field} is missing`);
    }
    ecr[registryId] = { username: login.username!, password: login.password!, proxyEndpoint: login.proxyEndpoint! };
  }
  return { parameters: strings(root.parameters, 'parameters'), secrets: strings(root.secrets, 'secrets'), ecr };
}

/** --ecr-registry <host>=<registryId>, repeatable. */
export function parseEcrRegistry(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^([^=\s]+)=(\d{12})$/.exec(value);
  if (!match) throw new Error(`--ecr-registry takes <registry host>=<12-digit registry ID>, got ${JSON.stringify(value)}`);
  return { ...previous, [match[1]!]: match[2]! };
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${field}: expected a JSON object`);
  return value as Record<string, unknown>;
}
