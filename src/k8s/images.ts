/** A container image reference, split the way the container runtime resolves it. */
export interface ImageReference {
  /** Registry host (and port); `docker.io` for Docker Hub. Lowercase, as host names compare. */
  readonly registry: string;
  /** Path inside the registry: `library/nginx`, `acme/api`. */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:…`: when present the runtime pulls exactly this content, whatever the tag says. */
  readonly digest?: string;
}

/** Docker's own aliases of Docker Hub. */
export const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
]);

/**
 * Parses `[registry/]repository[:tag][@digest]` as Docker's reference grammar does: the first path segment is a
 * registry only if it looks like a host (has a `.`, a `:port` or an uppercase letter, or is `localhost`); otherwise the image is on
 * Docker Hub, where single-segment names live under `library/`. Undefined for a missing or blank reference.
 */
export function parseImage(image: string | undefined): ImageReference | undefined {
  if (image === undefined) return undefined;
  // Every check that looks at images parses each container's: a cluster runs few distinct images many times.
  let reference = parsed.get(image);
  if (reference === undefined && !parsed.has(image)) {
    reference = parse(image);
    if (parsed.size >= PARSED_IMAGES) parsed.clear();
    parsed.set(image, reference && Object.freeze(reference));
  }
  return reference;
}

/** Parsed references by image, shared (and so frozen); emptied when it reaches its bound. */
const parsed = new Map<string, ImageReference | undefined>();
const PARSED_IMAGES = 10_000;

function parse(image: string): ImageReference | undefined {
  let name = image.trim();
  if (!name) return undefined;

  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1) || undefined;
    name = name.slice(0, at);
  }
  let tag: string | undefined;
  // A colon before the last slash is a registry port (`localhost:5000/app`), not a tag.
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1) || undefined;
    name = name.slice(0, colon);
  }

  let registry = 'docker.io';
  let repository = name;
  const slash = name.indexOf('/');
  const first = name.slice(0, slash);
  // Repository paths are lowercase, so an uppercase first segment can only be a host (`MyRegistry/app`).
  if (slash >= 0 && (/[.:A-Z]/.test(first) || first === 'localhost')) {
    registry = first.toLowerCase();
    repository = name.slice(slash + 1);
  }
  if (DOCKER_HUB_ALIASES.has(registry)) {
    registry = 'docker.io';
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `registry/repository`, without tag or digest: `docker.io/library/nginx`. */
export function imageName(reference: ImageReference): string {
  return `${reference.registry}/${reference.repository}`;
}
