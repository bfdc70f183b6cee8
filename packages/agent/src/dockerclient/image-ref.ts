// Docker image references as the daemon reads them: [registry/]repository[:tag][@digest].

export interface ImageRef {
  /** Registry host[:port]; undefined for Docker Hub (no host in the reference). */
  readonly registry: string | undefined;
  /** Repository path without the registry, e.g. `library/busybox` is given as `busybox`. */
  readonly repository: string;
  readonly tag: string | undefined;
  /** `sha256:...` when the reference pins a digest. */
  readonly digest: string | undefined;
}

/** Splits a reference. The first path component is a registry when it has a dot or a port, or is localhost. */
export function parseImageRef(ref: string): ImageRef {
  const at = ref.indexOf('@');
  const digest = at < 0 ? undefined : ref.slice(at + 1);
  const named = at < 0 ? ref : ref.slice(0, at);
  const slash = named.indexOf('/');
  const first = slash < 0 ? '' : named.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : undefined;
  const path = hasRegistry ? named.slice(slash + 1) : named;
  const colon = path.lastIndexOf(':');
  const tagged = colon > path.lastIndexOf('/');
  return {
    registry,
    repository: tagged ? path.slice(0, colon) : path,
    tag: tagged ? path.slice(colon + 1) : undefined,
    digest,
  };
}

/**
 * The reference with `:latest` added when it names neither a tag nor a digest: a pull of a bare
 * repository would otherwise fetch every tag.
 */
export function withDefaultTag(ref: string): string {
  const parsed = parseImageRef(ref);
  return parsed.tag === undefined && parsed.digest === undefined ? `${ref}:latest` : ref;
}
