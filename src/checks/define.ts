import type * as z from 'zod';
import type { FieldPath } from '../inputs/path.js';
import type { Inventory, Resource } from '../inventory/index.js';
import type { MitigationId, TechniqueId } from '../matrix/types.js';
import type { Evidence, Severity, SourceLocation } from '../model/report.js';

/** What a check hands over for one problem; the engine adds id, location, suppression and defaults. */
export interface FindingDraft {
  readonly resource: Resource;
  /** The offending field, or where a missing one belongs. Its line and column become the finding's location. */
  readonly path?: FieldPath;
  readonly message: string;
  /** Defaults to the check's severity. */
  readonly severity?: Severity;
  /** Defaults to all the check exposes; must be a subset of it. */
  readonly techniques?: readonly TechniqueId[];
  /** Defaults to all the check reports missing; must be a subset of it. */
  readonly mitigations?: readonly MitigationId[];
  /** Defaults to the check's remediation; set it when this instance has a more precise fix. */
  readonly remediation?: string;
  /** What the finding rests on besides its own field: the binding and rule behind a permission, … */
  readonly evidence?: readonly Evidence[];
  /**
   * Only from a `fixable` check, and only when the fix is safe here: changes to `resource`'s object that resolve
   * the finding, made in order (see {@link fillIn}). Absent when a person has to decide.
   */
  readonly fix?: readonly FixStep[];
}

/** A JSON Patch `add` on the finding's object, its path as fields (the finding's JSON gives it as a JSON Pointer). */
export interface FixStep {
  readonly op: 'add';
  readonly path: FieldPath;
  readonly value: unknown;
}

export interface CheckContext<Options> {
  readonly inventory: Inventory;
  readonly options: Options;
  report(draft: FindingDraft): void;
  /** An object the check cannot read (a field of the wrong type): a located input error; the scan goes on. */
  error(resource: Resource, path: FieldPath, message: string): void;
  /**
   * The cluster's admission objects given apart from the input (`scan --policies`), with the input's Namespaces
   * they do not define: what the input is admitted against. Set only for checks that declare `needsPolicies`.
   */
  readonly policies?: Inventory;
}

export interface Check<Options = unknown> {
  /** Stable, kebab-case: used in suppressions, SARIF rule ids and docs anchors. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** Techniques the resource as configured makes possible. */
  readonly exposes: readonly TechniqueId[];
  /** Hardening gaps: mitigations that would block a technique, found absent. */
  readonly missing: readonly MitigationId[];
  /** One sentence: what the check finds. */
  readonly description: string;
  /** Why it matters: what an attacker gains. */
  readonly rationale: string;
  readonly remediation: string;
  /** Settings users may give under `checks.<id>.options` in `.kubematrix.yaml`, validated by this schema. */
  readonly options?: z.ZodType<Options>;
  /**
   * The check judges the control plane's own configuration (API server and etcd flags). Other checks' findings on a
   * control-plane static pod describe how every such pod has to run (host network, its PKI mounted, …) and are
   * shown as `info`, expected for a system component.
   */
  readonly controlPlane?: true;
  /** The check judges the input against `policies` only: without them it does not run, and assesses nothing. */
  readonly needsPolicies?: true;
  /** Where a custom rule (docs/rules.md) is defined; none for a built-in check. */
  readonly definedAt?: SourceLocation;
  /**
   * The check's findings may carry a `fix` (ESLint's `fixable`), and what making it may break, one sentence that
   * patches and `fix --write` show: every fix changes how the container runs.
   */
  readonly fixable?: {
    readonly breaks: string;
    /** When a fix is given besides the field being unset, for the docs: `and the pod is shown not to call the API`. */
    readonly when?: string;
  };
  run(context: CheckContext<Options>): void;
}

/** A check of any options type, as registries and the engine hold them. */
export type AnyCheck = Check<unknown>;

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Declares a check. Metadata is written once here and drives docs, SARIF rules and the HTML report. */
export function defineCheck<Options = undefined>(check: Check<Options>): Check<Options> {
  if (!ID.test(check.id)) throw new Error(`check id '${check.id}' must be kebab-case`);
  if (check.exposes.length === 0 && check.missing.length === 0) {
    throw new Error(`check '${check.id}' must expose a technique or report a missing mitigation`);
  }
  return check;
}
