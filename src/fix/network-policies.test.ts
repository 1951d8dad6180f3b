import { describe, expect, it } from 'vitest';
import { inventoryOf } from '../../test/support/admission.js';
import { contextOf, findingsIn, inventoryWith } from '../../test/support/fix.js';
import { openApiErrors } from '../../test/support/openapi.js';
import { allChecks } from '../checks/index.js';
import { Config } from '../config/index.js';
import { analyze } from '../engine/analyze.js';
import type { Inventory } from '../inventory/index.js';
import { parseIp } from '../k8s/ip.js';
import { networkPolicies } from '../k8s/network-policies.js';
import { networkPolicyFixes } from './network-policies.js';

function deployment(name: string, namespace: string, labels: Record<string, string>, port = 8080) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: 'app', image: 'ghcr.io/example/app:1.0', ports: [{ name: 'http', containerPort: port }] },
          ],
        },
      },
    },
  };
}

function service(
  name: string,
  namespace: string,
  selector: Record<string, string>,
  spec: Record<string, unknown> = {},
) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector, ports: [{ port: 80, targetPort: 'http' }], ...spec },
  };
}

/** The findings of the checks about network isolation, on an inventory. */
function isolationFindings(inventory: Inventory) {
  const checks = allChecks.filter((check) => check.id === 'network-policy' || check.id === 'metadata-egress');
  return analyze(inventory, { checks, config: Config.parse({}), now: new Date(0) }).findings;
}

describe('networkPolicyFixes', () => {
  it('isolates each namespace with workloads, keeps its Service routes open, and closes its isolation findings', () => {
    const inventory = inventoryOf(
      deployment('api', 'orders', { app: 'api' }),
      service('api', 'orders', { app: 'api' }),
      deployment('web', 'web', { app: 'web' }),
      service('web', 'web', { app: 'web' }, { type: 'LoadBalancer' }),
    );
    const findings = isolationFindings(inventory);
    expect(findings.length).toBeGreaterThan(0);
    const files = networkPolicyFixes({ inventory, findings, mode: 'warn' });
    expect(files.map((file) => file.path)).toEqual([
      'MS-M9014-network-policies/orders.yaml',
      'MS-M9014-network-policies/web.yaml',
    ]);
    for (const file of files) for (const object of file.creates ?? []) expect(openApiErrors(object)).toEqual([]);
    expect(files.flatMap((file) => file.closes.findings).sort()).toEqual(findings.map((finding) => finding.id).sort());
    const after = inventoryWith(inventory, files);
    // After: no isolation finding is left.
    expect(isolationFindings(after)).toEqual([]);
    const index = networkPolicies(after);
    const [api, web] = after.podSpecs;
    if (!api || !web) throw new Error('missing workloads');
    const http = { number: 8080, name: 'http' };
    expect(index.connection(api, 'Ingress', { namespace: 'orders', labels: {} }, http).allowed).toBe(true);
    // A ClusterIP Service's clients in other namespaces are unknowable: cut, and said so.
    expect(index.connection(api, 'Ingress', { namespace: 'web', labels: {} }, http).allowed).toBe(false);
    expect(files[0]?.text).toContain('clients in other namespaces are unknowable');
    expect(files[0]?.breaks).toEqual(['Service orders/api is cut for pods of other namespaces, which reach it today.']);
    // A LoadBalancer stays reachable from outside; the metadata endpoint does not.
    expect(index.connection(web, 'Ingress', { address: parseIp('203.0.113.9') as never }, http).allowed).toBe(true);
    expect(index.egressTo(web, parseIp('169.254.169.254') as never).allowed).toBe(false);
    expect(index.egressTo(web, parseIp('203.0.113.9') as never, 443).allowed).toBe(true);
    expect(files[1]?.text).toContain('Service web/web from outside the cluster');
    expect(files[1]?.text).toContain('The metadata endpoint is out of reach of every pod of the namespace.');
  });

  it('lets Ingress traffic in from the ingress controller namespace when the input runs one', () => {
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'api', namespace: 'orders' },
      spec: {
        rules: [
          {
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } }],
            },
          },
        ],
      },
    };
    const controller = deployment('ingress-nginx-controller', 'ingress-nginx', { app: 'ingress' });
    controller.spec.template.spec.containers[0] = {
      ...controller.spec.template.spec.containers[0],
      image: 'registry.k8s.io/ingress-nginx/controller:v1.11.2',
    } as never;
    const inventory = inventoryOf(
      deployment('api', 'orders', { app: 'api' }),
      service('api', 'orders', { app: 'api' }),
      ingress,
      controller,
    );
    const files = networkPolicyFixes({ inventory, findings: [], mode: 'warn' });
    const after = inventoryWith(inventory, files);
    const api = after.podSpecs.find((pod) => pod.owner.ref.name === 'api');
    if (!api) throw new Error('no api');
    const index = networkPolicies(after);
    const http = { number: 8080, name: 'http' };
    expect(index.connection(api, 'Ingress', { namespace: 'ingress-nginx', labels: {} }, http).allowed).toBe(true);
    expect(index.connection(api, 'Ingress', { namespace: 'elsewhere', labels: {} }, http).allowed).toBe(false);
    const orders = files.find((file) => file.path.endsWith('/orders.yaml'));
    expect(orders?.text).toContain("from its namespace and the ingress controller's (ingress-nginx)");
    // Outside clients come in through the controller: cutting their own addresses breaks nothing.
    expect(orders?.breaks.join(' ')).not.toContain('outside the cluster');
    // A Service that is also a LoadBalancer is reached from anywhere, Ingress or not.
    const both = inventoryOf(
      deployment('api', 'orders', { app: 'api' }),
      service('api', 'orders', { app: 'api' }, { type: 'LoadBalancer' }),
      ingress,
      controller,
    );
    const open = networkPolicyFixes({ inventory: both, findings: [], mode: 'warn' });
    const outside = { address: parseIp('198.51.100.7') as NonNullable<ReturnType<typeof parseIp>> };
    const balanced = inventoryWith(both, open).podSpecs.find((pod) => pod.owner.ref.name === 'api');
    if (!balanced) throw new Error('no api');
    expect(networkPolicies(inventoryWith(both, open)).connection(balanced, 'Ingress', outside, http).allowed).toBe(
      true,
    );
    expect(open.flatMap((file) => file.breaks)).toEqual([]);
  });

  it('on examples/shop: OpenAPI-valid, no route the shop uses is cut, and scanned clean', async () => {
    const context = await contextOf(['examples/shop']);
    const files = networkPolicyFixes(context);
    expect(files.map((file) => file.path)).toEqual(['MS-M9014-network-policies/shop.yaml']);
    for (const file of files) for (const object of file.creates ?? []) expect(openApiErrors(object)).toEqual([]);
    expect(files[0]?.breaks).toEqual([]);
    expect(files[0]?.text).toContain('Service shop/storefront from outside the cluster');
    expect(await findingsIn(files)).toEqual([]);
  });

  it('proposes nothing without workloads, and nothing for system namespaces or hostNetwork pods', () => {
    expect(networkPolicyFixes({ inventory: inventoryOf(), findings: [], mode: 'warn' })).toEqual([]);
    const node = deployment('agent', 'monitoring', { app: 'agent' });
    (node.spec.template.spec as Record<string, unknown>).hostNetwork = true;
    const inventory = inventoryOf(deployment('dns', 'kube-system', { app: 'dns' }), node);
    expect(networkPolicyFixes({ inventory, findings: [], mode: 'warn' })).toEqual([]);
  });
});
