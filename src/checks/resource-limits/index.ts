import { z } from 'zod';
import { asRecord, dig, type Inventory } from '../../inventory/index.js';
import { defineCheck } from '../define.js';

const RESOURCES = { cpu: 'CPU', memory: 'memory' } as const;

export default defineCheck({
  id: 'resource-limits',
  title: 'Container without resource limits',
  severity: 'low',
  exposes: ['MS-TA9040'],
  missing: ['MS-M9029'],
  description:
    'A container (init containers included) sets no `resources.limits.cpu` or `resources.limits.memory`, and no LimitRange in its namespace gives it a default.',
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
    for (const pod of inventory.podSpecs) {
      const defaulted = limitRangeDefaults(inventory, pod.owner.ref.namespace);
      for (const container of pod.containers) {
        // Ephemeral containers may not set resources at all; init containers run unbounded just the same.
        if (container.group === 'ephemeralContainers') continue;
        const limits = container.spec.resources?.limits ?? {};
        const unlimited = required.filter((resource) => limits[resource] === undefined && !defaulted.has(resource));
        if (!unlimited.length) continue;
        report({
          resource: pod.owner,
          path: [...container.path, 'resources', 'limits'],
          message: `container '${container.spec.name}' has no ${unlimited.map((resource) => RESOURCES[resource]).join(' or ')} limit, and no LimitRange in its namespace sets a default`,
        });
      }
    }
  },
});

/** Resources a LimitRange in the namespace gives containers a default limit for (`null` is the unset namespace). */
function limitRangeDefaults(inventory: Inventory, namespace: string | null): Set<string> {
  const defaulted = new Set<string>();
  for (const limitRange of inventory.ofKind('LimitRange')) {
    if (limitRange.ref.namespace !== namespace) continue;
    const items = dig(limitRange.object, ['spec', 'limits']);
    for (const item of Array.isArray(items) ? items : []) {
      const { type, default: defaults } = asRecord(item);
      if (type === 'Container') for (const resource of Object.keys(asRecord(defaults))) defaulted.add(resource);
    }
  }
  return defaulted;
}
