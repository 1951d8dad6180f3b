import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * An HTTPS server on 127.0.0.1 that speaks enough of the Kubernetes API for the official client and kubematrix's
 * collector: discovery, `/version`, paginated lists cluster-wide and per namespace, the PartialObjectMetadataList
 * form, Status error bodies, and faults per resource. It serves the objects it is given and nothing else.
 *
 * Read-only is its contract with the collector: any request other than GET is recorded as a violation, and
 * {@link KubeApiServer.close} throws, failing the test that started it.
 *
 * Self-contained (node: imports only) so that `npm run bench` can compile this one file and serve a large cluster.
 */

/** A served API resource. Built-in ones are always discovered; other kinds are derived from the objects. */
export interface ApiResource {
  readonly group: string;
  readonly version: string;
  /** Plural resource name, as in the URL: `pods`, `clusterrolebindings`. */
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** What goes wrong when a resource is requested; by default on every request, or on the first `times`. */
export interface Fault {
  /** Answer with this status and a Status body (`410` only on requests that carry a continue token). */
  readonly status?: 403 | 404 | 406 | 410 | 429 | 500;
  /** Seconds, sent as `Retry-After` with a 429. */
  readonly retryAfter?: number;
  /** Respond after this long. */
  readonly delayMs?: number;
  /** A 200 whose body is not JSON. */
  readonly malformed?: boolean;
  /** Ignore the Accept header's PartialObjectMetadataList and send whole objects, as a broken server might. */
  readonly ignoreMetadataAccept?: boolean;
  /** Leave `remainingItemCount` out of list pages, as API servers may. */
  readonly withoutRemainingItemCount?: boolean;
  /** Fault only this many matching requests, then behave. */
  readonly times?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly accept: string;
}

export interface KubeApiServerOptions {
  readonly objects: readonly Record<string, unknown>[];
  /** Faults by plural resource name (`pods`, `secrets`), or by group version (`kyverno.io/v1`) for its discovery. */
  readonly faults?: Readonly<Record<string, Fault>>;
  /** The bearer token clients must send; `test-token` by default. */
  readonly token?: string;
  readonly gitVersion?: string;
}

export interface KubeApiServer {
  readonly url: string;
  /** The server certificate, PEM: the CA a client trusts. */
  readonly ca: string;
  readonly token: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Writes a kubeconfig with one context for this server and returns its path. */
  kubeconfig(options?: { context?: string; file?: string }): string;
  /** Stops the server; throws if any request other than GET arrived. */
  close(): Promise<void>;
}

const BUILT_IN: readonly ApiResource[] = [
  ['', 'v1', 'namespaces', 'Namespace', false],
  ['', 'v1', 'nodes', 'Node', false],
  ['', 'v1', 'pods', 'Pod', true],
  ['', 'v1', 'podtemplates', 'PodTemplate', true],
  ['', 'v1', 'replicationcontrollers', 'ReplicationController', true],
  ['', 'v1', 'services', 'Service', true],
  ['', 'v1', 'endpoints', 'Endpoints', true],
  ['', 'v1', 'serviceaccounts', 'ServiceAccount', true],
  ['', 'v1', 'configmaps', 'ConfigMap', true],
  ['', 'v1', 'secrets', 'Secret', true],
  ['', 'v1', 'limitranges', 'LimitRange', true],
  ['', 'v1', 'resourcequotas', 'ResourceQuota', true],
  ['', 'v1', 'events', 'Event', true],
  ['apps', 'v1', 'deployments', 'Deployment', true],
  ['apps', 'v1', 'statefulsets', 'StatefulSet', true],
  ['apps', 'v1', 'daemonsets', 'DaemonSet', true],
  ['apps', 'v1', 'replicasets', 'ReplicaSet', true],
  ['batch', 'v1', 'jobs', 'Job', true],
  ['batch', 'v1', 'cronjobs', 'CronJob', true],
  ['networking.k8s.io', 'v1', 'ingresses', 'Ingress', true],
  ['networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true],
  ['rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true],
  ['rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true],
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false],
  ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false],
  ['admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false],
  ['admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false],
  ['admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies', 'ValidatingAdmissionPolicy', false],
  [
    'admissionregistration.k8s.io',
    'v1',
    'validatingadmissionpolicybindings',
    'ValidatingAdmissionPolicyBinding',
    false,
  ],
].map(([group, version, resource, kind, namespaced]) => ({
  group: group as string,
  version: version as string,
  resource: resource as string,
  kind: kind as string,
  namespaced: namespaced as boolean,
}));

const METADATA_LIST = /(^|[,;\s])as=PartialObjectMetadataList(;|,|$)/;

export async function startKubeApiServer(options: KubeApiServerOptions): Promise<KubeApiServer> {
  const token = options.token ?? 'test-token';
  const { key, cert } = selfSignedCertificate();
  const resources = catalogue(options.objects);
  // Per resource, its objects sorted by namespace and name: the order list pages walk.
  const stored = new Map<ApiResource, Record<string, unknown>[]>(resources.map((r) => [r, []]));
  for (const object of options.objects) {
    const resource = resources.find((r) => r.kind === object.kind && apiVersion(r) === object.apiVersion);
    stored.get(resource as ApiResource)?.push(object);
  }
  for (const list of stored.values()) list.sort((a, b) => compare(identity(a), identity(b)));
  const faulted = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  // Each server has its own resourceVersion, so continue tokens from one never fit another.
  const resourceVersion = String(Math.floor(Math.random() * 1e6) + 1000);

  const server = createServer({ key, cert }, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    const accept = request.headers.accept ?? '';
    requests.push({
      method: request.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      accept,
    });
    if (request.method !== 'GET') {
      violations.push(`${request.method} ${url.pathname}`);
      return status(response, 405, 'MethodNotAllowed', 'kubematrix must only read');
    }
    if (request.headers.authorization !== `Bearer ${token}`) return status(response, 401, 'Unauthorized', 'no token');
    handle(url, accept, response);
  });

  function handle(url: URL, accept: string, response: ServerResponse) {
    const route = url.pathname;
    if (route === '/version') {
      return json(response, {
        major: '1',
        minor: '31',
        gitVersion: options.gitVersion ?? 'v1.31.2',
        platform: 'linux/amd64',
      });
    }
    if (route === '/api') return json(response, { kind: 'APIVersions', versions: ['v1'] });
    if (route === '/apis') return json(response, groupList(resources));
    const discovery = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(route);
    if (discovery) {
      const [group, version] = discovery[1] ? ['', discovery[1]] : [discovery[2] ?? '', discovery[3] ?? ''];
      const served = resources.filter((r) => r.group === group && r.version === version);
      if (!served.length) return status(response, 404, 'NotFound', 'the server could not find the requested resource');
      return faulty(group ? `${group}/${version}` : version, url, response, () =>
        json(response, resourceList(group, version, served)),
      );
    }
    const list = /^\/(?:api\/v1|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)$/.exec(route);
    const resource =
      list &&
      resources.find((r) => r.group === (list[1] ?? '') && r.version === (list[2] ?? 'v1') && r.resource === list[4]);
    if (!list || !resource || (list[3] !== undefined && !resource.namespaced)) {
      return status(response, 404, 'NotFound', 'the server could not find the requested resource');
    }
    faulty(resource.resource, url, response, (fault) =>
      page(response, resource, stored.get(resource) ?? [], list[3], url.searchParams, {
        metadataOnly: METADATA_LIST.test(accept) && !fault?.ignoreMetadataAccept,
        remainingItemCount: !fault?.withoutRemainingItemCount,
      }),
    );
  }

  /** Answers with the fault configured for `key` if it applies to this request, else through `answer`. */
  function faulty(key: string, url: URL, response: ServerResponse, answer: (fault: Fault | undefined) => void) {
    const fault = options.faults?.[key];
    const applies =
      fault !== undefined &&
      (fault.status !== 410 || url.searchParams.has('continue')) &&
      (faulted.get(key) ?? 0) < (fault.times ?? Number.POSITIVE_INFINITY);
    if (applies) faulted.set(key, (faulted.get(key) ?? 0) + 1);
    const respond = () => {
      if (applies && fault.status) {
        if (fault.status === 429) response.setHeader('Retry-After', String(fault.retryAfter ?? 1));
        return status(response, fault.status, REASONS[fault.status], `${key} is faulted`);
      }
      if (applies && fault.malformed) {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        return response.end('{"kind":"List","items":[{"metadata":');
      }
      answer(applies ? fault : undefined);
    };
    if (applies && fault.delayMs) setTimeout(respond, fault.delayMs);
    else respond();
  }

  function page(
    response: ServerResponse,
    resource: ApiResource,
    objects: readonly Record<string, unknown>[],
    namespace: string | undefined,
    query: URLSearchParams,
    { metadataOnly, remainingItemCount }: { metadataOnly: boolean; remainingItemCount: boolean },
  ) {
    const inScope = namespace === undefined ? objects : objects.filter((o) => namespaceOf(o) === namespace);
    let offset = 0;
    const token = query.get('continue');
    if (token) {
      const decoded = decodeContinue(token);
      if (!decoded || decoded.rv !== resourceVersion) return status(response, 400, 'BadRequest', 'invalid continue');
      offset = decoded.offset;
    }
    const limit = Number(query.get('limit') ?? 0);
    const end = limit > 0 ? Math.min(offset + limit, inScope.length) : inScope.length;
    const items = inScope.slice(offset, end);
    const metadata = {
      resourceVersion,
      ...(end < inScope.length
        ? {
            continue: encodeContinue({ rv: resourceVersion, offset: end }),
            ...(remainingItemCount ? { remainingItemCount: inScope.length - end } : {}),
          }
        : {}),
    };
    if (metadataOnly) {
      return json(response, {
        kind: 'PartialObjectMetadataList',
        apiVersion: 'meta.k8s.io/v1',
        metadata,
        items: items.map((item) => ({
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: item.metadata,
        })),
      });
    }
    // List items carry neither kind nor apiVersion, as the API server sends them.
    return json(response, {
      kind: `${resource.kind}List`,
      apiVersion: apiVersion(resource),
      metadata,
      items: items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const temporary: string[] = [];
  return {
    url,
    ca: cert,
    token,
    requests,
    kubeconfig({ context = 'test', file } = {}) {
      let target = file;
      if (!target) {
        const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-kubeconfig-'));
        temporary.push(dir);
        target = path.join(dir, 'config');
      }
      writeFileSync(target, kubeconfigText(context, url, cert, token));
      return target;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
      if (violations.length)
        throw new Error(`the API server received requests other than GET: ${violations.join(', ')}`);
    },
  };
}

/**
 * Objects as a cluster holds them: namespaced kinds without a namespace land in `default`, as `kubectl apply`
 * would put them, and every object gets a uid.
 */
export function asCluster(objects: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return objects.map((object, index) => {
    const metadata = { ...(object.metadata as Record<string, unknown>) };
    const builtIn = BUILT_IN.find((r) => r.kind === object.kind && apiVersion(r) === object.apiVersion);
    if (builtIn?.namespaced && typeof metadata.namespace !== 'string') metadata.namespace = 'default';
    if (!builtIn?.namespaced && builtIn) delete metadata.namespace;
    metadata.uid ??= `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
    return { ...object, metadata };
  });
}

/** A kubeconfig as kubectl writes it: the CA inline, a bearer token. */
export function kubeconfigText(context: string, server: string, ca: string, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: ${context}-cluster
  cluster:
    server: ${server}
    certificate-authority-data: ${Buffer.from(ca).toString('base64')}
users:
- name: ${context}-user
  user:
    token: ${token}
contexts:
- name: ${context}
  context:
    cluster: ${context}-cluster
    user: ${context}-user
current-context: ${context}
`;
}

const REASONS = {
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  406: 'NotAcceptable',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
} as const;

function status(response: ServerResponse, code: number, reason: string, message: string): void {
  json(response, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }, code);
}

function json(response: ServerResponse, body: unknown, code = 200): void {
  response.writeHead(code, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}

function apiVersion(resource: ApiResource): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

/** Built-in resources, plus one per other apiVersion and kind among the objects (custom resources). */
function catalogue(objects: readonly Record<string, unknown>[]): ApiResource[] {
  const resources = [...BUILT_IN];
  for (const object of objects) {
    const version = String(object.apiVersion);
    const kind = String(object.kind);
    if (resources.some((r) => r.kind === kind && apiVersion(r) === version)) continue;
    const [group, ver] = version.includes('/') ? version.split('/') : ['', version];
    const lower = kind.toLowerCase();
    resources.push({
      group: group ?? '',
      version: ver ?? '',
      kind,
      resource: lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`,
      namespaced: namespaceOf(object) !== undefined,
    });
  }
  return resources;
}

function groupList(resources: readonly ApiResource[]) {
  const groups = [...new Set(resources.filter((r) => r.group).map((r) => r.group))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((name) => {
      const versions = [...new Set(resources.filter((r) => r.group === name).map((r) => r.version))].map((v) => ({
        groupVersion: `${name}/${v}`,
        version: v,
      }));
      return { name, versions, preferredVersion: versions[0] };
    }),
  };
}

function resourceList(group: string, version: string, served: readonly ApiResource[]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: served.flatMap((r) => [
      {
        name: r.resource,
        singularName: r.kind.toLowerCase(),
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      },
      // Subresources are listed too, and a collector must skip them.
      {
        name: `${r.resource}/status`,
        singularName: '',
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['get', 'patch'],
      },
    ]),
  };
}

function namespaceOf(object: Record<string, unknown>): string | undefined {
  const metadata = object.metadata as { namespace?: unknown } | undefined;
  return typeof metadata?.namespace === 'string' ? metadata.namespace : undefined;
}

function identity(object: Record<string, unknown>): string {
  const metadata = object.metadata as { name?: unknown } | undefined;
  return `${namespaceOf(object) ?? ''}/${String(metadata?.name ?? '')}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeContinue(token: { rv: string; offset: number }): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(token: string): { rv: string; offset: number } | undefined {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return typeof decoded.rv === 'string' && Number.isInteger(decoded.offset) ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A throwaway key and certificate for 127.0.0.1, made by the openssl CLI (node:crypto cannot issue X.509
 * certificates): nothing to keep in the repository, nothing that expires under a fixture.
 */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
