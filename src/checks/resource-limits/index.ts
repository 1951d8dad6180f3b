import * as z from 'zod';
import { asRecord, dig, type Inventory } from '../../inventory/index.js';
import { hardenableContainers } from '../../k8s/hardening.js';
import { defineCheck } from '../define.js';

const RESOURCES = { cpu: 'CPU', memory: 'memory' } as const;

export default defineCheck({
  id: 'resource-limits',
  title: 'Container without resource limits',
  severity: 'low',
  exposes: ['MS-TA9040'],
  missing: ['MS-M9029'],
  description:
    'A container (init containers included) sets no `resources.limits.cpu` or `resources.limits.memory`, and neither a pod-level limit (`spec.resources.limits`) nor a LimitRange in its namespace gives it one.',
  rationale:
    'Without limits, one compromised or runaway container can take all the CPU and memory of its node, starving or getting evicted every other pod scheduled there: a denial of service from a single foothold.',
  remediation:
    'Set `resources.limits.cpu` and `resources.limits.memory` on every container, or give the namespace a LimitRange with `type: Container` defaults.',
  options: z.object({
    // CPU is throttled rather than exhausted, and some teams deliberately run without CPU limits.
    requireCpuLimit: z.boolean().default(true),
  }),
  run({ inventory, options, report }) {
    const required = options.requireCpuLimit ? (['cpu', 'memory'] as const) : (['memory'] as const);
    const defaultsByNamespace = new Map<string | null, ReadonlySet<string>>();
    // Ephemeral containers may not set resources at all; init containers run unbounded just the same.
    for (const { pod, container } of hardenableContainers(inventory)) {
      const { namespace } = pod.owner.ref;
      let defaulted = defaultsByNamespace.get(namespace);
      if (!defaulted) {
        defaulted = limitRangeDefaults(inventory, namespace);
        defaultsByNamespace.set(namespace, defaulted);
      }
      // Pod-level limits (`spec.resources`, beta since 1.34) cap every container of the pod together.
      const podLimits = asRecord(asRecord(pod.spec.resources).limits);
      const limits = container.spec.resources?.limits ?? {};
      const unlimited = required.filter(
        (resource) => limits[resource] === undefined && podLimits[resource] === undefined && !defaulted.has(resource),
      );
      if (!unlimited.length) continue;
      report({
        resource: pod.owner,
        path: [...container.path, 'resources', 'limits'],
        message: `container '${container.spec.name}' has no ${unlimited.map((resource) => RESOURCES[resource]).join(' or ')} limit, and neither its pod nor a LimitRange in its namespace sets one`,
      });
    }
  },
});

/**
 * Resources a LimitRange in the namespace gives containers a default limit for. The API server defaults a
 * `type: Container` item's missing `default` to its `max`, so a maximum is a default too.
 */
function limitRangeDefaults(inventory: Inventory, namespace: string | null): Set<string> {
  const defaulted = new Set<string>();
  for (const limitRange of inventory.inNamespace('LimitRange', namespace)) {
    const items = dig(limitRange.object, ['spec', 'limits']);
    for (const item of Array.isArray(items) ? items : []) {
      const { type, default: defaults, max } = asRecord(item);
      if (type !== 'Container') continue;
      for (const resource of [...Object.keys(asRecord(defaults)), ...Object.keys(asRecord(max))]) {
        defaulted.add(resource);
      }
    }
  }
  return defaulted;
}
