import { tokenMount } from '../../inventory/pods.js';
import type { TechniqueId } from '../../matrix/types.js';
import { EXPECTED } from '../../model/basics.js';
import { formatSubject } from '../../rbac/format.js';
import { RISKY_PERMISSIONS, riskOf } from '../../rbac/risky.js';
import { isSystemSubject } from '../../rbac/subjects.js';
import { accountField, accountPower, podAccount } from '../account-power.js';
import { defineCheck } from '../define.js';

const TOKEN: TechniqueId = 'MS-TA9016';

export default defineCheck({
  id: 'workload-token-permissions',
  title: 'Workload token with risky permissions',
  severity: 'high',
  exposes: [...new Set([TOKEN, ...RISKY_PERMISSIONS.flatMap((permission) => permission.techniques)])],
  missing: [],
  description:
    "A workload's pods mount the token of a ServiceAccount that holds risky permissions, through its own bindings or its groups': automounted, or, with automount off, asked for in a projected volume (`serviceAccountToken` for the API server's audience).",
  rationale:
    "Anyone who runs code in the pod (an application exploit is enough) reads the token from the filesystem and acts with the account's permissions: the pod's compromise becomes whatever those permissions allow.",
  remediation:
    'Give the workload its own ServiceAccount with only the permissions it uses, or set `automountServiceAccountToken: false` when it does not call the API server.',
  run({ inventory, report }) {
    const risk = riskOf(inventory);
    for (const pod of inventory.podSpecs) {
      const mount = tokenMount(pod, inventory);
      if (!mount.mounted) continue;
      const account = podAccount(pod);
      const power = accountPower(risk, account);
      if (!power) continue;
      const expected = isSystemSubject(account);
      const { ref } = pod.owner;
      const owner = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
      report({
        resource: pod.owner,
        path: accountField(pod),
        severity: expected ? 'info' : power.severity,
        techniques: [...new Set([TOKEN, ...power.techniques])],
        message: `${expected ? EXPECTED : ''}pods of ${owner} mount the ${mount.decidedBy === 'projected' ? 'projected ' : ''}token of ${formatSubject(account)}, which can ${power.can}`,
      });
    }
  },
});
