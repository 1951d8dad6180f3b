import { asRecord } from '../../inventory/index.js';
import { UNNAMED } from '../../inventory/schema.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'secret-env-reference',
  title: 'Secret passed as environment variable',
  severity: 'info',
  exposes: [],
  missing: ['MS-M9022'],
  description:
    'A container reads a Secret into its environment, through `env[].valueFrom.secretKeyRef` or `envFrom[].secretRef`.',
  rationale:
    'Environment variables are inherited by every child process, readable in /proc/<pid>/environ by anything sharing the process namespace, and routinely end up in crash reports, debug endpoints and logs. They also cannot be rotated without restarting the pod.',
  remediation:
    'Mount the Secret as a read-only file (a `secret` volume) or fetch it from a managed secret store (e.g. the Secrets Store CSI driver), and have the application read it from there.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const container of pod.containers) {
        const name = container.spec.name;
        container.spec.env?.forEach((variable, index) => {
          const reference = variable.valueFrom?.secretKeyRef;
          if (!reference) return;
          report({
            resource: pod.owner,
            path: [...container.path, 'env', index, 'valueFrom', 'secretKeyRef'],
            message: `container '${name}' reads key '${reference.key}' of Secret '${reference.name ?? UNNAMED}' into env '${variable.name}'`,
          });
        });
        // `envFrom` is outside the parsed pod schema: read it defensively.
        const envFrom = Array.isArray(container.spec.envFrom) ? container.spec.envFrom : [];
        envFrom.forEach((source, index) => {
          const reference = asRecord(source).secretRef;
          if (reference === undefined) return;
          report({
            resource: pod.owner,
            path: [...container.path, 'envFrom', index, 'secretRef'],
            message: `container '${name}' loads every key of Secret '${String(asRecord(reference).name ?? UNNAMED)}' into its environment`,
          });
        });
      }
    }
  },
});
