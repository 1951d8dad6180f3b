import { describe, expect, it } from 'vitest';
import { seeded } from '../../test/support/random.mjs';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory } from '../inventory/index.js';
import { podsSelectedBy, routesTo, serviceSelects } from './services.js';

/**
 * Workloads and Services over few namespaces, label keys and values, so that selectors match some pods, several or
 * none: selectors of one to three pairs, some without one, values written as YAML numbers and booleans, pods without
 * labels, and objects without a namespace (kubectl's `default`).
 */
function cluster(seed: number): string {
  const next = seeded(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const namespaces = ['a', 'b', undefined];
  const keys = ['app', 'tier', 'version', 'constructor'];
  const values = ['web', 'api', '1', 'true', 'yes'];
  const labels = () => {
    const pairs = Array.from({ length: Math.floor(next() * 4) }, () => `${pick(keys)}: '${pick(values)}'`);
    return `{${[...new Set(pairs)].join(', ')}}`;
  };
  const metadata = (name: string, extra = '') => {
    const namespace = pick(namespaces);
    return `{name: ${name}${namespace ? `, namespace: ${namespace}` : ''}${extra}}`;
  };
  const documents: string[] = [];
  for (let i = 0; i < 30; i++) {
    const kind = pick(['Pod', 'Deployment']);
    const template = `{metadata: {labels: ${labels()}}, spec: {containers: [{name: c, image: app:1, ports: [{containerPort: 80, name: http}]}]}}`;
    documents.push(
      kind === 'Pod'
        ? `apiVersion: v1\nkind: Pod\nmetadata: ${metadata(`pod-${i}`, `, labels: ${labels()}`)}\nspec: {containers: [{name: c, image: app:1}]}`
        : `apiVersion: apps/v1\nkind: Deployment\nmetadata: ${metadata(`deploy-${i}`)}\nspec: {template: ${template}}`,
    );
  }
  for (let i = 0; i < 30; i++) {
    // Selector values as YAML writes them unquoted too: `1` a number and `true`/`yes` booleans, which match the
    // labels "1", "true" and "true".
    const selector = Array.from({ length: Math.floor(next() * 4) }, () => `${pick(keys)}: ${pick(values)}`);
    const type = pick(['ClusterIP', 'LoadBalancer', 'NodePort']);
    documents.push(
      `apiVersion: v1\nkind: Service\nmetadata: ${metadata(`svc-${i}`)}\nspec: {type: ${type}, ${
        selector.length && next() < 0.9 ? `selector: {${[...new Set(selector)].join(', ')}}, ` : ''
      }ports: [{port: 80, targetPort: ${pick(['80', 'http', '8080'])}}]}`,
    );
  }
  return documents.join('\n---\n');
}

describe('which Services select which pods', () => {
  it('answers as matching every Service against every pod does, in the same order', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { objects } = parseManifest('cluster.yaml', Buffer.from(cluster(seed)));
      const { inventory } = buildInventory(objects);
      const services = inventory.ofKind('Service');
      for (const service of services) {
        const expected = inventory.podSpecs.filter((pod) => serviceSelects(service, pod));
        expect(podsSelectedBy(inventory, service), `seed ${seed}, ${service.ref.name}`).toEqual(expected);
      }
      for (const pod of inventory.podSpecs) {
        const selecting = inventory
          .inNamespace('Service', pod.owner.ref.namespace)
          .filter((service) => serviceSelects(service, pod));
        // Every Service here has ports, and routesTo without ports takes any: it routes through each selecting one.
        const routed = [...new Set(routesTo(inventory, pod).map((route) => route.service))];
        expect(routed, `seed ${seed}, ${pod.owner.ref.name}`).toEqual(selecting);
      }
      // Some selectors match, some do not: the cases above are not all empty.
      if (seed === 1) expect(services.some((service) => podsSelectedBy(inventory, service).length > 0)).toBe(true);
    }
  });
});
