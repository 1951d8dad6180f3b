import * as z from 'zod';
import type { FieldPath } from '../../inputs/path.js';
import { labelPath, podSecurityOf, psaLabel, SYSTEM_NAMESPACES } from '../../k8s/pod-security.js';
import type { Severity } from '../../model/report.js';
import { worst } from '../../rbac/risky.js';
import { defineCheck } from '../define.js';

const Options = z.object({
  /**
   * Oldest Pod Security Standards version an `enforce-version` label may pin. v1.25 is the release Pod Security
   * admission became stable; pins older than that miss checks the standards gained since.
   */
  minimumVersion: z
    .string()
    .regex(/^v1\.\d+$/, 'must be a Kubernetes minor version such as v1.25')
    .default('v1.25'),
});

interface Part {
  readonly text: string;
  readonly path: FieldPath;
  readonly severity: Severity;
}

export default defineCheck<z.infer<typeof Options>>({
  id: 'pod-security-admission',
  title: 'Namespace without Pod Security enforcement',
  severity: 'low',
  exposes: [],
  missing: ['MS-M9017'],
  description:
    'A Namespace in the input that does not enforce the baseline or restricted Pod Security Standard with `pod-security.kubernetes.io/enforce`, enforces `privileged` explicitly, sets a level or version the API server rejects, or pins an old standards version. Only Namespace objects present in the input are judged: workloads whose Namespace object is absent are not.',
  rationale:
    'Pod Security admission is built into every cluster and costs one label: enforcing baseline rejects privileged containers, hostPath volumes, host namespaces and ports and added capabilities; restricted also requires a non-root user, no privilege escalation and a seccomp profile. Without it, anyone able to create a pod in the namespace can start one that takes over its node. Audit and warn only record violations. The system namespaces run the control plane, so they are noted for information only.',
  remediation:
    'Label each namespace `pod-security.kubernetes.io/enforce: restricted` (or `baseline` where workloads need it), with `enforce-version: latest` or a current version; keep `privileged` for the few namespaces that need it, and exempt single workloads rather than whole namespaces where the admission configuration allows.',
  options: Options,
  run({ inventory, options, report }) {
    const minimum = Number(options.minimumVersion.slice(3));
    for (const namespace of inventory.ofKind('Namespace')) {
      if (namespace.ref.apiVersion !== 'v1') continue;
      const system = SYSTEM_NAMESPACES.has(namespace.ref.name);
      const gap: Severity = system ? 'info' : 'low';
      const settings = podSecurityOf(namespace);
      const parts: Part[] = [];
      for (const setting of settings) {
        if (setting.level === undefined) {
          parts.push({
            text: `${psaLabel(setting.mode)} is not a Pod Security level (privileged, baseline or restricted): the API server rejects the Namespace as written`,
            path: setting.path,
            severity: 'low',
          });
        }
        if (setting.version && !setting.version.valid) {
          parts.push({
            text: `${psaLabel(setting.mode)}-version is neither latest nor a version such as v1.30: the API server rejects the Namespace as written`,
            path: setting.version.path,
            severity: 'low',
          });
        }
      }
      const enforce = settings.find((setting) => setting.mode === 'enforce');
      const recorded = settings
        .filter((setting) => setting.mode !== 'enforce' && setting.level)
        .map((setting) => `${setting.mode}: ${setting.level}`);
      const onlyRecords = recorded.length ? ` (${recorded.join(', ')} only record violations)` : '';
      if (!enforce) {
        parts.unshift({
          text: `no ${psaLabel('enforce')} label: Pod Security admission admits any pod here, privileged and host-mounting ones included${onlyRecords}`,
          path: labelPath(psaLabel('enforce')),
          severity: gap,
        });
      } else if (enforce.level === 'privileged') {
        parts.unshift({
          text: `enforces the privileged level, which admits any pod, privileged and host-mounting ones included${onlyRecords}`,
          path: enforce.path,
          severity: gap,
        });
      } else if (enforce.level && enforce.version?.minor !== undefined && enforce.version.minor < minimum) {
        parts.push({
          text: `enforces ${enforce.level} as the standards stood in ${enforce.version.value}, older than ${options.minimumVersion}: checks added since are not applied`,
          path: enforce.version.path,
          severity: 'low',
        });
      }
      const [first] = parts;
      if (!first) continue;
      report({
        resource: namespace,
        path: first.path,
        severity: worst(parts.map((part) => part.severity)) ?? 'low',
        message: `${system ? 'system ' : ''}namespace '${namespace.ref.name}': ${parts.map((part) => part.text).join('; ')}`,
      });
    }
  },
});
