import type { EngineAuthType, Secret } from '../../config';
import type { RegistryAuth } from '../../dockerclient';
import { parseImageRef } from '../../dockerclient';

/** Docker Hub's key in auth data, as `docker login` writes it (scheme stripped). */
const DOCKER_HUB_KEY = 'index.docker.io/v1/';
const DOCKER_HUB_HOSTS: ReadonlySet<string> = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** ECS_ENGINE_AUTH_DATA could not be read. The message names the field, never the secret. */
export class EngineAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineAuthError';
  }
}

/**
 * Registry credentials from ECS_ENGINE_AUTH_TYPE / ECS_ENGINE_AUTH_DATA, chosen per image by registry
 * host as upstream's dockerauth does: Docker Hub images use `index.docker.io/v1/`; any other image
 * takes the longest key that starts with its registry host. Keys lose an http(s):// prefix.
 */
export class EngineRegistryAuth {
  readonly #byKey: ReadonlyMap<string, RegistryAuth>;

  private constructor(byKey: Map<string, RegistryAuth>) {
    this.#byKey = byKey;
  }

  /** No auth data configured: every image is pulled anonymously. */
  static readonly none = new EngineRegistryAuth(new Map());

  /** Parses the configured data; throws EngineAuthError on malformed data or an unknown type. */
  static parse(type: EngineAuthType | undefined, data: Secret | undefined): EngineRegistryAuth {
    if (data === undefined || data.reveal().trim() === '') return EngineRegistryAuth.none;
    if (type !== 'docker' && type !== 'dockercfg') {
      throw new EngineAuthError(`ECS_ENGINE_AUTH_TYPE: expected "docker" or "dockercfg" with ECS_ENGINE_AUTH_DATA set, got ${JSON.stringify(type ?? '')}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.reveal());
    } catch {
      throw new EngineAuthError(`ECS_ENGINE_AUTH_DATA: not valid JSON for ECS_ENGINE_AUTH_TYPE=${type}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new EngineAuthError(`ECS_ENGINE_AUTH_DATA: expected a JSON object of registries for ECS_ENGINE_AUTH_TYPE=${type}`);
    }
    const byKey = new Map<string, RegistryAuth>();
    for (const [registry, entry] of Object.entries(parsed as Record<string, unknown>)) {
      const key = stripScheme(registry);
      byKey.set(key, type === 'docker' ? dockerEntry(registry, entry) : dockercfgEntry(registry, entry));
    }
    return new EngineRegistryAuth(byKey);
  }

  /** Credentials for pulling `image`, or undefined to pull anonymously. */
  forImage(image: string): RegistryAuth | undefined {
    const registry = parseImageRef(image).registry;
    if (registry === undefined || DOCKER_HUB_HOSTS.has(registry)) return this.#byKey.get(DOCKER_HUB_KEY);
    let best: string | undefined;
    for (const key of this.#byKey.keys()) {
      if (key.startsWith(registry) && (best === undefined || key.length > best.length)) best = key;
    }
    return best === undefined ? undefined : this.#byKey.get(best);
  }

  /** Registries with credentials (keys only: safe to log). */
  get registries(): string[] {
    return [...this.#byKey.keys()];
  }
}

function stripScheme(registry: string): string {
  return registry.replace(/^https?:\/\//, '');
}

function field(registry: string, entry: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const value = entry[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') {
    throw new EngineAuthError(`ECS_ENGINE_AUTH_DATA: registry ${JSON.stringify(registry)}: "${name}" must be a string`);
  }
  return value;
}

function asEntry(registry: string, entry: unknown): Record<string, unknown> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new EngineAuthError(`ECS_ENGINE_AUTH_DATA: registry ${JSON.stringify(registry)}: expected an object`);
  }
  return entry as Record<string, unknown>;
}

/** `docker` type: {"<registry>": {"username", "password", "email"?}}. */
function dockerEntry(registry: string, raw: unknown): RegistryAuth {
  const entry = asEntry(registry, raw);
  const email = field(registry, entry, 'email', false);
  return {
    username: field(registry, entry, 'username', true),
    password: field(registry, entry, 'password', true),
    ...(email ? { email } : {}),
    serveraddress: registry,
  };
}

/** `dockercfg` type (a ~/.dockercfg): {"<registry url>": {"auth": base64("user:pass"), "email"?}}. */
function dockercfgEntry(registry: string, raw: unknown): RegistryAuth {
  const entry = asEntry(registry, raw);
  const decoded = Buffer.from(field(registry, entry, 'auth', true)!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new EngineAuthError(`ECS_ENGINE_AUTH_DATA: registry ${JSON.stringify(registry)}: "auth" must be base64 of "user:password"`);
  const email = field(registry, entry, 'email', false);
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), ...(email ? { email } : {}), serveraddress: registry };
}
