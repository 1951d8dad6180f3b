import type { FieldPath } from '../inputs/path.js';
import type { PodSpecView } from '../inventory/index.js';
import type { TechniqueId } from '../matrix/types.js';
import type { Severity } from '../model/report.js';
import { describeHeld, formatGrant, listSome, withEvidence } from '../rbac/format.js';
import { type RiskIndex, worst } from '../rbac/risky.js';
import type { Subject } from '../rbac/types.js';
import { bySeverity } from './rbac-findings.js';

const WILDCARD_CHECK = 'rbac-cluster-admin';
const SHOWN = 3;

/** What a ServiceAccount may do that opens techniques of the matrix, through its own bindings or its groups'. */
export interface AccountPower {
  readonly techniques: readonly TechniqueId[];
  readonly severity: Severity;
  /** Completes "which can …": the worst few permissions, each with the bindings that grant it. */
  readonly can: string;
}

/** The pod's ServiceAccount as RBAC names it. */
export function podAccount(pod: PodSpecView): Subject {
  return { kind: 'ServiceAccount', namespace: pod.owner.ref.namespace, name: pod.serviceAccountName };
}

/** The account's risky permissions, or undefined when it holds none. */
export function accountPower(risk: RiskIndex, account: Subject): AccountPower | undefined {
  const held = bySeverity(risk.effective(account));
  if (!held.length) return undefined;
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
  return {
    techniques: [...new Set(held.flatMap((entry) => entry.permission.techniques))],
    severity: worst(held.map((entry) => entry.severity)) ?? 'info',
    can: `${can}${more ? `, and ${more} more risky permissions` : ''}`,
  };
}

/** Where the pod names its account, or the pod spec when it runs as `default` without saying so. */
export function accountField(pod: PodSpecView): FieldPath {
  if (pod.spec.serviceAccountName !== undefined) return [...pod.path, 'serviceAccountName'];
  if (pod.spec.serviceAccount !== undefined) return [...pod.path, 'serviceAccount'];
  return pod.path;
}
