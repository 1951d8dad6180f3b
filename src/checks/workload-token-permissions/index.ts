import type { FieldPath } from '../../inputs/path.js';
import { tokenMount } from '../../inventory/pods.js';
import type { TechniqueId } from '../../matrix/types.js';
import { describeHeld, formatGrant, formatSubject, listSome, withEvidence } from '../../rbac/format.js';
import { RISKY_PERMISSIONS, riskOf, worst } from '../../rbac/risky.js';
import { isSystemSubject } from '../../rbac/subjects.js';
import type { Subject } from '../../rbac/types.js';
import { defineCheck } from '../define.js';
import { bySeverity, EXPECTED } from '../rbac-findings.js';

const TOKEN: TechniqueId = 'MS-TA9016';
const WILDCARD_CHECK = 'rbac-cluster-admin';
const SHOWN = 3;

export default defineCheck({
  id: 'workload-token-permissions',
  title: 'Workload token with risky permissions',
  severity: 'high',
  exposes: [TOKEN, ...new Set(RISKY_PERMISSIONS.flatMap((permission) => permission.techniques))],
  missing: [],
  description:
    "A workload's pods mount the token of a ServiceAccount that holds risky permissions, through its own bindings or its groups'.",
  rationale:
    "Anyone who runs code in the pod (an application exploit is enough) reads the token from the filesystem and acts with the account's permissions: the pod's compromise becomes whatever those permissions allow.",
  remediation:
    'Give the workload its own ServiceAccount with only the permissions it uses, or set `automountServiceAccountToken: false` when it does not call the API server.',
  run({ inventory, report }) {
    const risk = riskOf(inventory);
    for (const pod of inventory.podSpecs) {
      if (!tokenMount(pod, inventory).mounted) continue;
      const account: Subject = {
        kind: 'ServiceAccount',
        namespace: pod.owner.ref.namespace,
        name: pod.serviceAccountName,
      };
      const held = bySeverity(risk.effective(account));
      if (!held.length) continue;
      const techniques = new Set<TechniqueId>([TOKEN]);
      for (const entry of held) for (const technique of entry.permission.techniques) techniques.add(technique);
      // Full wildcard access says it all; otherwise the worst few, and `kubematrix rbac subject` lists the rest.
      const wildcard = held.find((entry) => entry.permission.check === WILDCARD_CHECK);
      const shown = wildcard ? [wildcard] : held.slice(0, SHOWN);
      const more = wildcard ? 0 : held.length - shown.length;
      const can = withEvidence(
        shown.map((entry) => ({
          text: describeHeld(entry.permission, entry.grants),
          evidence: listSome(
            entry.grants.map((grant) => formatGrant(grant, account)),
            2,
          ),
        })),
      );
      const expected = isSystemSubject(account);
      const { ref } = pod.owner;
      const owner = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
      report({
        resource: pod.owner,
        path: accountField(pod.spec, pod.path),
        severity: expected ? 'info' : (worst(held.map((entry) => entry.severity)) ?? 'info'),
        techniques: [...techniques],
        message: `${expected ? EXPECTED : ''}pods of ${owner} mount the token of ${formatSubject(account)}, which can ${can}${more ? `, and ${more} more risky permissions` : ''}`,
      });
    }
  },
});

/** Where the pod names its account, or the pod spec when it runs as `default` without saying so. */
function accountField(spec: { serviceAccountName?: string; serviceAccount?: string }, path: FieldPath): FieldPath {
  if (spec.serviceAccountName !== undefined) return [...path, 'serviceAccountName'];
  if (spec.serviceAccount !== undefined) return [...path, 'serviceAccount'];
  return path;
}
