import { getTechnique } from '../matrix/index.js';
import type { TechniqueId } from '../matrix/types.js';
import { type Severity, severityRank } from '../model/basics.js';
import type { Rbac } from './model.js';
import type { Held, RiskIndex, RiskyGrant } from './risky.js';
import { memberships, toSubject } from './subjects.js';
import type { Binding, Grant, Subject, SubjectKind } from './types.js';

/** The questions `kubematrix rbac` answers, as data: reporters render them, the CLI only picks one. */

/** `who-can VERB RESOURCE`, anywhere or, with a namespace, where it applies to that namespace. */
export interface WhoCanQuery {
  readonly verb: string;
  /** `pods`, `pods/exec`, `deployments.apps`, or a non-resource URL such as `/metrics`. */
  readonly resource: string;
  readonly namespace?: string;
}

/** A technique of the matrix the subject's risky permissions open, at the worst severity they hold it. */
export interface TechniqueHeld {
  readonly id: TechniqueId;
  readonly name: string;
  readonly severity: Severity;
  /** The risky permissions opening it, in the order the risk index lists them. */
  readonly held: readonly Held<RiskyGrant>[];
}

/** Everything `kubematrix rbac subject` shows about one subject, each part computed once. */
export interface SubjectProfile {
  readonly subject: Subject;
  /** Names of the groups Kubernetes puts the subject in. */
  readonly groups: readonly string[];
  /** Worst first, then by ID. */
  readonly techniques: readonly TechniqueHeld[];
  /** Every rule it holds, its own and its groups'. */
  readonly permissions: readonly Grant[];
  /** Bindings naming it or one of its groups whose role is nowhere: they grant nothing. */
  readonly unresolved: readonly Binding[];
}

/**
 * The subjects a `KIND/NAME` names. A ServiceAccount named without namespace may exist in several: each one found
 * is returned. The user `system:serviceaccount:NS:NAME` is read as bindings read it, as that ServiceAccount.
 */
export function resolveSubjects(rbac: Rbac, kind: SubjectKind, name: string, namespace?: string): Subject[] {
  const named = toSubject({ kind, name }, null);
  if (named?.kind === 'ServiceAccount' && kind === 'User') return [named];
  if (kind !== 'ServiceAccount') return [{ kind, namespace: null, name }];
  if (namespace !== undefined) return [{ kind, namespace, name }];
  const known = rbac.subjects.filter((who) => who.kind === kind && who.name === name);
  return known.length ? known : [{ kind, namespace: null, name }];
}

/** Bindings naming the subject or one of its groups whose role is nowhere: they grant nothing. */
export function unresolvedFor(rbac: Rbac, who: Subject): Binding[] {
  return [...new Set(memberships(who).flatMap((member) => rbac.bindingsTo(member)))].filter((binding) => !binding.role);
}

/** What the subject may do, grouped by the techniques it opens, with every rule it holds and dangling bindings. */
export function subjectProfile(risk: RiskIndex, who: Subject): SubjectProfile {
  const techniques = new Map<
    TechniqueId,
    { id: TechniqueId; name: string; severity: Severity; held: Held<RiskyGrant>[] }
  >();
  for (const entry of risk.effective(who)) {
    for (const id of entry.permission.techniques) {
      const technique = techniques.get(id) ?? {
        id,
        name: getTechnique(id)?.name ?? '',
        severity: entry.severity,
        held: [],
      };
      techniques.set(id, technique);
      if (severityRank(entry.severity) < severityRank(technique.severity)) technique.severity = entry.severity;
      technique.held.push(entry);
    }
  }
  return {
    subject: who,
    groups: memberships(who)
      .slice(1)
      .map((group) => group.name),
    techniques: [...techniques.values()].sort(
      (a, b) => severityRank(a.severity) - severityRank(b.severity) || a.id.localeCompare(b.id),
    ),
    permissions: risk.rbac.permissionsOf(who),
    unresolved: unresolvedFor(risk.rbac, who),
  };
}

/** Where the binding names the subject (its `subjects` entry), or the binding itself; absent for built-in ones. */
export function bindingLocation(binding: Binding, subjectIndex?: number) {
  return binding.resource?.locate(subjectIndex === undefined ? [] : ['subjects', subjectIndex]);
}
