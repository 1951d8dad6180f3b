import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { isIPv6 } from 'node:net';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { version } from '../../version.js';

/** Which cluster to read, as kubectl would pick it. */
export interface ClusterTarget {
  /** `--kubeconfig`: wins over `$KUBECONFIG`. */
  readonly kubeconfig?: string;
  /** `--context`; the kubeconfig's current context otherwise. */
  readonly context?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative kubeconfig paths are read from here. */
  readonly cwd: string;
  /**
   * Where the pod's filesystem starts for its service-account files (token, CA): the real root by default. Tests
   * point it at a directory of their own; nothing else changes on the in-cluster path.
   */
  readonly inClusterRoot?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** An authenticated way to GET from one API server. There is no other method on it, by design. */
export interface Connection {
  readonly context: string;
  readonly server: string;
  get(path: string, accept: string, timeoutMs: number): Promise<HttpResponse>;
  close(): void;
}

/** The target cannot be used at all (no kubeconfig, no such context): the user's to fix. */
export class ClusterError extends Error {}

export class TimeoutError extends Error {}

/** Service-account credentials a pod gets mounted (https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/). */
const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
/** The context a scan from inside a pod is reported under. */
const IN_CLUSTER_CONTEXT = 'in-cluster';

/**
 * Loads the kubeconfig with the official client (`--kubeconfig`, else every file of `$KUBECONFIG` merged, else
 * `~/.kube/config`, else the pod's service account) and lets it apply the user's credentials: CA, client
 * certificates, tokens, exec and auth-provider plugins. The requests themselves are ours: GETs only, with the
 * Accept headers, pagination and timeouts the collector needs.
 */
export async function connect(target: ClusterTarget): Promise<Connection> {
  // Loaded only for cluster commands: the client takes about a second to import.
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  const files = target.kubeconfig
    ? [target.kubeconfig]
    : (target.env.KUBECONFIG?.split(path.delimiter).filter(Boolean) ?? []);
  const home = target.env.HOME && path.join(target.env.HOME, '.kube', 'config');
  const root = target.inClusterRoot?.replace(/\/$/, '') ?? '';
  try {
    if (files.length) {
      const [first, ...rest] = files.map((file) => path.resolve(target.cwd, file));
      config.loadFromFile(first as string);
      for (const file of rest) {
        const next = new KubeConfig();
        next.loadFromFile(file);
        // The first file's current context wins, as with kubectl.
        config.mergeConfig(next, true);
      }
    } else if (home && existsSync(home)) {
      config.loadFromFile(home);
    } else if (target.env.KUBERNETES_SERVICE_HOST && existsSync(`${root}${IN_CLUSTER_TOKEN}`)) {
      inCluster(config, root, target.env);
    } else {
      throw new ClusterError('no kubeconfig: give --kubeconfig FILE, set KUBECONFIG, or create ~/.kube/config');
    }
  } catch (error) {
    if (error instanceof ClusterError) throw error;
    // Never the parser's message: it may quote the file, and a kubeconfig holds credentials.
    throw new ClusterError(`cannot load the kubeconfig: ${describe(error, 'not a valid kubeconfig')}`);
  }
  if (target.context) {
    if (!config.getContextObject(target.context)) {
      throw new ClusterError(`the kubeconfig has no context named '${target.context}'`);
    }
    config.setCurrentContext(target.context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new ClusterError('the kubeconfig names no current context: give --context NAME');
  const options: https.RequestOptions = {};
  try {
    await config.applyToHTTPSOptions(options);
  } catch (error) {
    throw new ClusterError(
      `cannot apply the credentials of context '${config.getCurrentContext()}': ${describe(error, 'its credential plugin failed')}`,
    );
  }
  const server = new URL(cluster.server);
  const secure = server.protocol === 'https:';
  // A server URL may carry a path prefix (API proxies such as Rancher's): requests go below it.
  const prefix = server.pathname.replace(/\/$/, '');
  const agent = options.agent;
  return {
    context: config.getCurrentContext(),
    server: cluster.server,
    get: (apiPath, accept, timeoutMs) =>
      new Promise<HttpResponse>((resolve, reject) => {
        const request = (secure ? https : http).request(
          {
            ...options,
            agent,
            protocol: server.protocol,
            hostname: server.hostname.replace(/^\[|\]$/g, ''),
            port: server.port || (secure ? 443 : 80),
            path: `${prefix}${apiPath}`,
            method: 'GET',
            headers: { ...options.headers, Accept: accept, 'User-Agent': `kubematrix/${version}` },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => {
              clearTimeout(timer);
              resolve({
                status: response.statusCode ?? 0,
                headers: response.headers,
                body: Buffer.concat(chunks).toString('utf8'),
              });
            });
            response.on('error', fail);
          },
        );
        // A deadline for the whole exchange, not an idle timeout: a server trickling bytes is as stuck as a silent one.
        const timer = setTimeout(
          () => request.destroy(new TimeoutError(`no complete answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
        function fail(error: Error) {
          clearTimeout(timer);
          reject(error);
        }
        request.on('error', fail);
        request.end();
      }),
    close: () => (agent as http.Agent | undefined)?.destroy?.(),
  };
}

/**
 * The pod's service account, as the client loads it (the CA file, and the token re-read as the kubelet rotates
 * it), at the address the command's environment gives: the client itself would read `process.env`.
 */
function inCluster(config: KubeConfig, root: string, env: ClusterTarget['env']): void {
  config.loadFromCluster(root);
  const [cluster] = config.clusters;
  const [user] = config.users;
  const [context] = config.contexts;
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  config.loadFromOptions({
    clusters: [
      { ...cluster, server: `https://${isIPv6(host) ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT ?? 443}` },
    ],
    users: [user],
    contexts: [{ ...context, name: IN_CLUSTER_CONTEXT }],
    currentContext: IN_CLUSTER_CONTEXT,
  });
}

/** A system error's code (ENOENT, ECONNREFUSED, …), else what the caller says in its own words. */
export function describe(error: unknown, otherwise: string): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : otherwise;
}
