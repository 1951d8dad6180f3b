import type { ScanError, UnavailableKind } from '../../model/report.js';
import type { Collection } from './collection.js';
import { ClusterError, type ClusterTarget, type Connection, connect, describe, TimeoutError } from './connect.js';
import { COLLECTED_GROUPS, COLLECTED_KINDS, type CollectedKind, EVENTS, qualifiedResource } from './kinds.js';

export interface CollectOptions {
  /** `-n`: list namespaced kinds in these namespaces only; all by default. */
  readonly namespaces?: readonly string[];
  /** `--exclude-namespaces`: left out of everything collected. */
  readonly excludeNamespaces?: readonly string[];
  /** Objects per list page. */
  readonly pageSize?: number;
  /** Lists in flight at once. */
  readonly concurrency?: number;
  /** Deadline of one request, in milliseconds. */
  readonly timeoutMs?: number;
  /** Attempts per request (429, 5xx, timeouts and connection errors are retried) and the first backoff. */
  readonly retry?: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  /** One line per kind listed, for a terminal. */
  readonly progress?: (line: string) => void;
  readonly now?: () => Date;
}

const JSON_ACCEPT = 'application/json';
/** Only this form: a server that cannot send it answers 406 instead of falling back to whole Secrets. */
export const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
/** kubectl keeps the applied object, data included, in this annotation; it travels with the metadata. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Times a list starts over after its continue token expired, before giving up on the kind. */
const RESTARTS = 3;

const DEFAULT_RETRY = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Reads a live cluster, GETs only: discovery first, then every kind of {@link COLLECTED_KINDS} it serves. */
export async function collectCluster(target: ClusterTarget, options: CollectOptions = {}): Promise<Collection> {
  const connection = await connect(target);
  try {
    return await new Collector(connection, options).collect();
  } finally {
    connection.close();
  }
}

/** A list that cannot be completed: its kind is unavailable, for this reason. */
class ListFailure extends Error {}

interface Discovered {
  readonly kind: CollectedKind;
  readonly groupVersion: string;
  readonly namespaced: boolean;
}

interface ApiResourceList {
  resources?: { name?: string; kind?: string; namespaced?: boolean; verbs?: string[] }[];
}

class Collector {
  readonly #connection: Connection;
  readonly #options: CollectOptions;
  readonly #retry: typeof DEFAULT_RETRY;
  readonly #errors: ScanError[] = [];
  readonly #unavailable: UnavailableKind[] = [];

  constructor(connection: Connection, options: CollectOptions) {
    this.#connection = connection;
    this.#options = options;
    this.#retry = options.retry ?? DEFAULT_RETRY;
  }

  async collect(): Promise<Collection> {
    const collectedAt = (this.#options.now?.() ?? new Date()).toISOString();
    const version = await this.#essential('/version');
    const { discovered, events } = await this.#discover();
    const only = this.#options.namespaces?.length ? [...new Set(this.#options.namespaces)] : null;
    const excluded = new Set(this.#options.excludeNamespaces ?? []);
    const lists = discovered.flatMap((found) =>
      found.namespaced && only
        ? only.map((namespace) => ({ found, namespace }))
        : [{ found, namespace: undefined as string | undefined }],
    );
    let done = 0;
    const absent = new Set<Discovered>();
    const results = await pool(lists, this.#options.concurrency ?? 4, async ({ found, namespace }) => {
      const items = await this.#list(found, namespace).catch((error: unknown) => {
        if (error instanceof Absent) {
          absent.add(found);
          return undefined;
        }
        if (!(error instanceof ListFailure)) throw error;
        this.#fail(found.kind, error.message);
        return undefined;
      });
      done++;
      this.#options.progress?.(
        `listed ${qualifiedResource(found.kind)}${namespace ? ` in ${namespace}` : ''}: ${items ? `${items.length} objects` : 'unavailable'} (${done}/${lists.length})`,
      );
      return items;
    });

    // By resource and group: a Kind two groups serve (Kyverno's PolicyException) keeps what one of them listed.
    const failed = new Set(this.#unavailable.map((u) => u.resource));
    const objects: Record<string, unknown>[] = [];
    const kinds: Collection['kinds'] = [];
    for (const found of discovered) {
      if (failed.has(qualifiedResource(found.kind)) || absent.has(found)) continue;
      let count = 0;
      results.forEach((items, index) => {
        if (lists[index]?.found !== found || !items) return;
        for (const item of items) {
          const object = toObject(found, item);
          if (!inScope(object, found.kind, only, excluded)) continue;
          objects.push(object);
          count++;
        }
      });
      kinds.push({
        kind: found.kind.kind,
        apiVersion: found.groupVersion,
        objects: count,
        metadataOnly: !!found.kind.metadataOnly,
      });
    }
    // The namespaces listed: those asked for, else every Namespace collected; unknown when Namespaces were not.
    const namespaces =
      only?.filter((name) => !excluded.has(name)) ??
      (kinds.some((k) => k.kind === 'Namespace')
        ? objects.flatMap((o) => (o.kind === 'Namespace' ? [(o.metadata as { name: string }).name] : []))
        : undefined);
    const counts = events && namespaces ? await this.#countEvents(events, namespaces) : undefined;
    return {
      context: this.#connection.context,
      server: this.#connection.server,
      serverVersion: typeof version.gitVersion === 'string' ? version.gitVersion : 'unknown',
      collectedAt,
      namespaces: { only, excluded: [...excluded] },
      kinds,
      unavailable: this.#unavailable,
      ...(counts ? { events: counts } : {}),
      errors: this.#errors,
      objects,
    };
  }

  /**
   * Which of the kinds we list the server serves, at which version; a group it lacks is simply absent. A group
   * version whose discovery fails (403, 5xx after retries) leaves the kinds it may serve unavailable, not absent.
   */
  async #discover(): Promise<{ discovered: Discovered[]; events?: Discovered }> {
    const core = (await this.#essential('/api/v1')) as ApiResourceList;
    const groups =
      ((await this.#essential('/apis')) as { groups?: { name?: string; versions?: { groupVersion?: string }[] }[] })
        .groups ?? [];
    const lists = new Map<string, (ApiResourceList & { groupVersion: string })[]>([
      ['', [{ ...core, groupVersion: 'v1' }]],
    ]);
    /** Per group, why the first of its versions that could not be discovered was not. */
    const undiscovered = new Map<string, string>();
    const wanted = new Set([...COLLECTED_KINDS.map((kind) => kind.group), ...COLLECTED_GROUPS]);
    await Promise.all(
      groups
        .filter((group) => group.name && wanted.has(group.name))
        .map(async (group) => {
          const name = group.name as string;
          // Versions come preferred first; a resource is listed at the first version that serves it.
          const versions = (group.versions ?? []).flatMap((v) => (v.groupVersion ? [v.groupVersion] : []));
          const fetched = await Promise.all(
            versions.map((groupVersion) =>
              this.#json(`/apis/${groupVersion}`, JSON_ACCEPT).then(
                (list) => ({ ...(list as ApiResourceList), groupVersion }),
                (error: unknown) => {
                  if (!(error instanceof ListFailure)) throw error;
                  if (!(error instanceof Absent) && !undiscovered.has(name)) {
                    undiscovered.set(name, `discovery of ${groupVersion} failed: ${error.message}`);
                  }
                  return undefined;
                },
              ),
            ),
          );
          lists.set(
            name,
            fetched.filter((list) => list !== undefined),
          );
        }),
    );
    const discovered: Discovered[] = [];
    const listable = (list: ApiResourceList) =>
      (list.resources ?? []).filter((r) => r.name && !r.name.includes('/') && r.kind && r.verbs?.includes('list'));
    const served = (kind: CollectedKind): Discovered | undefined =>
      (lists.get(kind.group) ?? []).flatMap((list) =>
        listable(list)
          .filter((r) => r.name === kind.resource)
          .map((r) => ({ kind, groupVersion: list.groupVersion, namespaced: r.namespaced === true })),
      )[0];
    for (const kind of COLLECTED_KINDS) {
      const found = served(kind);
      const why = undiscovered.get(kind.group);
      if (found) discovered.push(found);
      // Not in the versions discovered, but perhaps in the one that failed: unknown.
      else if (why) this.#fail(kind, why);
    }
    for (const group of COLLECTED_GROUPS) {
      const why = undiscovered.get(group);
      // The failed version may serve kinds no other does, and their names are unknown: the whole group is.
      if (why) this.#fail({ group, resource: '*', kind: `*.${group}` }, why);
      const seen = new Set<string>();
      for (const list of lists.get(group) ?? []) {
        for (const served of listable(list)) {
          if (seen.has(served.name as string)) continue;
          seen.add(served.name as string);
          discovered.push({
            kind: { group, resource: served.name as string, kind: served.kind as string },
            groupVersion: list.groupVersion,
            namespaced: served.namespaced === true,
          });
        }
      }
    }
    const events = served(EVENTS);
    return { discovered, ...(events?.namespaced ? { events } : {}) };
  }

  /**
   * Events per namespace, from one-item lists: the server's `remainingItemCount` says how many more there are.
   * Without it (servers may leave it out) or without an answer the count is `unknown`, and nothing else is lost.
   */
  async #countEvents(events: Discovered, namespaces: readonly string[]): Promise<Record<string, number | 'unknown'>> {
    const failures = new Map<string, number>();
    const counts = await pool(namespaces, this.#options.concurrency ?? 4, async (namespace) => {
      const path = `/api/${events.groupVersion}/namespaces/${encodeURIComponent(namespace)}/${events.kind.resource}?limit=1`;
      try {
        const page = (await this.#json(path, JSON_ACCEPT)) as {
          items?: unknown;
          metadata?: { continue?: unknown; remainingItemCount?: unknown };
        };
        const listed = Array.isArray(page.items) ? page.items.length : 0;
        const remaining = page.metadata?.remainingItemCount;
        if (typeof remaining === 'number' && Number.isInteger(remaining) && remaining >= 0) return listed + remaining;
        return page.metadata?.continue ? 'unknown' : listed;
      } catch (error) {
        if (!(error instanceof ListFailure)) throw error;
        failures.set(error.message, (failures.get(error.message) ?? 0) + 1);
        return 'unknown';
      }
    });
    for (const [reason, times] of failures) {
      this.#errors.push({
        source: this.#source(),
        message: `cannot count events in ${times} namespace${times === 1 ? '' : 's'}: ${reason}`,
      });
    }
    this.#options.progress?.(`counted events in ${namespaces.length} namespaces`);
    return Object.fromEntries(namespaces.map((namespace, index) => [namespace, counts[index] as number | 'unknown']));
  }

  /** Every item of a list, page by page; an expired continue token starts the list over. */
  async #list(found: Discovered, namespace: string | undefined): Promise<Record<string, unknown>[]> {
    const base = `/${found.kind.group ? 'apis' : 'api'}/${found.groupVersion}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${found.kind.resource}`;
    const accept = found.kind.metadataOnly ? METADATA_ACCEPT : JSON_ACCEPT;
    for (let restart = 0; ; restart++) {
      const items: Record<string, unknown>[] = [];
      let token: string | undefined;
      try {
        do {
          const query = new URLSearchParams({ limit: String(this.#options.pageSize ?? 500) });
          if (token) query.set('continue', token);
          const page = (await this.#json(`${base}?${query}`, accept)) as {
            kind?: unknown;
            items?: unknown;
            metadata?: { continue?: unknown };
          };
          if (found.kind.metadataOnly && page.kind !== 'PartialObjectMetadataList') {
            // Whole objects came back although we asked for metadata: drop them unread.
            throw new ListFailure(
              'the API server does not list them as metadata only, and their values are not fetched',
            );
          }
          if (!Array.isArray(page.items)) throw new ListFailure('the API server sent a list without items');
          for (const item of page.items) items.push(item as Record<string, unknown>);
          token =
            typeof page.metadata?.continue === 'string' && page.metadata.continue ? page.metadata.continue : undefined;
        } while (token);
        return items;
      } catch (error) {
        if (!(error instanceof Expired) || restart >= RESTARTS) {
          throw error instanceof Expired ? new ListFailure(`its continue token expired ${RESTARTS + 1} times`) : error;
        }
      }
    }
  }

  /** GET and parse, retrying what may pass: 429 (after its Retry-After), 5xx, timeouts, connection errors. */
  async #json(path: string, accept: string): Promise<unknown> {
    const { attempts, baseDelayMs, maxDelayMs } = this.#retry;
    let why = '';
    for (let attempt = 1; ; attempt++) {
      let wait: number | undefined;
      try {
        const response = await this.#connection.get(path, accept, this.#options.timeoutMs ?? 60_000);
        if (response.status === 200) {
          try {
            return JSON.parse(response.body);
          } catch {
            throw new ListFailure('the API server sent a response that is not valid JSON');
          }
        }
        why = statusText(response.status, response.body);
        if (response.status === 410 && path.includes('continue=')) throw new Expired();
        if (response.status === 404) throw new Absent(why);
        if (response.status === 403) throw new ListFailure(`forbidden (403): the credentials may not list them`);
        if (response.status === 406) {
          throw new ListFailure(
            'the API server cannot list them as metadata only (406), and their values are not fetched',
          );
        }
        if (response.status !== 429 && response.status < 500) throw new ListFailure(why);
        wait = retryAfter(response.headers['retry-after']);
      } catch (error) {
        if (error instanceof ListFailure || error instanceof Expired) throw error;
        why =
          error instanceof TimeoutError
            ? `timed out (${error.message})`
            : `connection failed (${describe(error, 'no answer')})`;
      }
      if (attempt >= attempts) throw new ListFailure(`${why}, ${attempts} attempts`);
      const backoff = Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
      // The server's Retry-After is the floor; jitter keeps parallel lists from retrying in lockstep.
      await sleep(Math.min(Math.max(wait ?? 0, backoff * (0.5 + Math.random() / 2)), Math.max(maxDelayMs, wait ?? 0)));
    }
  }

  /** Version and discovery: without them there is nothing to collect. */
  async #essential(path: string): Promise<Record<string, unknown>> {
    try {
      return (await this.#json(path, JSON_ACCEPT)) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof ListFailure)) throw error;
      throw new ClusterError(`cannot read ${path} from ${this.#connection.server}: ${error.message}`);
    }
  }

  #fail(kind: CollectedKind, reason: string): void {
    const resource = qualifiedResource(kind);
    if (this.#unavailable.some((u) => u.resource === resource)) return;
    this.#unavailable.push({ kind: kind.kind, resource, reason });
    this.#errors.push({
      source: this.#source(),
      message: `cannot list ${resource}: ${reason}; what needs them is not assessed`,
    });
  }

  #source(): string {
    return `cluster ${this.#connection.context}`;
  }
}

class Expired extends Error {}

/** 404: what discovery showed is gone (a CRD deleted meanwhile); like a group the server does not serve, absent. */
class Absent extends ListFailure {}

/** `500 InternalError`: the code and the Status reason, a CamelCase word; never the server's free text. */
function statusText(status: number, body: string): string {
  let reason: unknown;
  try {
    reason = (JSON.parse(body) as { reason?: unknown }).reason;
  } catch {
    reason = undefined;
  }
  return `the API server answered ${status}${typeof reason === 'string' && /^[A-Za-z]{1,40}$/.test(reason) ? ` ${reason}` : ''}`;
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date. */
function retryAfter(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `work` on every item, at most `limit` at once; results in item order. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * A list item as a manifest would hold it: apiVersion and kind back (list items carry neither), managedFields
 * dropped (bookkeeping, often half the object). Secrets keep their metadata only, without kubectl's copy of the data.
 */
function toObject(found: Discovered, item: Record<string, unknown>): Record<string, unknown> {
  const { managedFields: _managed, ...metadata } = (item.metadata ?? {}) as Record<string, unknown>;
  if (found.kind.metadataOnly) {
    const { [LAST_APPLIED]: _applied, ...annotations } = (metadata.annotations ?? {}) as Record<string, unknown>;
    return {
      apiVersion: found.groupVersion,
      kind: found.kind.kind,
      metadata: { ...metadata, ...(metadata.annotations ? { annotations } : {}) },
    };
  }
  const { apiVersion: _apiVersion, kind: _kind, metadata: _metadata, ...rest } = item;
  return { apiVersion: found.groupVersion, kind: found.kind.kind, metadata, ...rest };
}

function inScope(
  object: Record<string, unknown>,
  kind: CollectedKind,
  only: readonly string[] | null,
  excluded: ReadonlySet<string>,
): boolean {
  const { namespace, name } = object.metadata as { namespace?: unknown; name?: unknown };
  // A Namespace is in scope as the namespace it is.
  const home = kind.kind === 'Namespace' ? name : namespace;
  if (typeof home !== 'string') return true;
  return !excluded.has(home) && (only === null || only.includes(home));
}
