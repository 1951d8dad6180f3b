/**
 * The seam between what `kubematrix fix` proposes and how it is written and re-assessed. Generators (one file each
 * under src/fix: pod-security, admission-policies, network-policies, rbac, audit-policy, workload patches) turn a
 * scan's inventory and findings into files; the writer lays them out by mitigation and `--what-if` applies their
 * objects, patches and removals in memory and scans again.
 */
import type { Inventory } from '../inventory/index.js';
import type { MitigationId, TechniqueId } from '../matrix/types.js';
import type { Finding, ResourceRef } from '../model/report.js';

/** A change to an object the input already has, as a strategic-merge patch (what kustomize `patches:` takes). */
export interface ObjectPatch {
  readonly target: ResourceRef;
  readonly patch: Readonly<Record<string, unknown>>;
}

/** One file of the fix folder. */
export interface FixFile {
  /** Where it goes in the output folder, forward slashes: `<mitigation id>-<slug>/<name>`. */
  readonly path: string;
  readonly mitigation: MitigationId;
  /** The whole content, its header comment (what it closes, what it would break) included. */
  readonly text: string;
  /** Objects the file creates when applied (policies, bindings, NetworkPolicies, narrowed roles). */
  readonly creates?: readonly Readonly<Record<string, unknown>>[];
  /** Changes to existing objects (a Namespace label, a workload's securityContext). */
  readonly patches?: readonly ObjectPatch[];
  /** Objects the file deletes (a binding that grants to system:anonymous). */
  readonly removes?: readonly ResourceRef[];
  /** What applying it closes: techniques it moves towards mitigated, ids of the findings it resolves. */
  readonly closes: { readonly techniques: readonly TechniqueId[]; readonly findings: readonly string[] };
  /** What it would break today, one sentence each (a workload a policy would reject, a route a policy cuts). */
  readonly breaks: readonly string[];
}

/** What the audit log shows a subject used (`fix --audit`), keyed by subject (`sa:ns/name`, `user:name`, `group:name`). */
export interface ObservedUsage {
  /** The log window the evidence covers. */
  readonly from: string;
  readonly to: string;
  /** Per subject, per `verb resource[/subresource] [namespace]` key, how many events used it. */
  readonly bySubject: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export interface FixContext {
  readonly inventory: Inventory;
  /** The scan's findings (suppressed ones included, marked): what the fixes close. */
  readonly findings: readonly Finding[];
  /** `warn` (default): policies Warn + Audit; `enforce`: Deny. */
  readonly mode: 'warn' | 'enforce';
  readonly usage?: ObservedUsage;
  /**
   * The registries images may come from (the image-registry check's `options.allowed`); absent when none is
   * configured, and the admission policies then allow the ones today's workloads pull from.
   */
  readonly allowedRegistries?: readonly string[];
}

/** A generator proposes files for one mitigation (or one family of findings); it never applies anything. */
export type FixGenerator = (context: FixContext) => readonly FixFile[];
