import type { FieldPath } from '../inputs/path.js';
import type { Inventory, Resource } from '../inventory/index.js';

/**
 * The admission engine's contract: for one object in one namespace, what the cluster's own admission control would
 * do with a request to create it. Each engine (Pod Security admission, ValidatingAdmissionPolicy, Kyverno,
 * Gatekeeper) answers for the policies of its kind; `admit` combines their answers as the API server does.
 */

/** What the cluster does with the request, worst first: one rejecting policy rejects it whatever the others say. */
export const VERDICTS = ['rejected', 'unproven', 'warned', 'audited', 'admitted'] as const;
export type Verdict = (typeof VERDICTS)[number];

export type EngineId = 'pod-security-admission' | 'validating-admission-policy' | 'kyverno' | 'gatekeeper';

/** The request as the API server hands it to admission: `object`, its kind and resource, the operation. */
export interface AdmissionRequest {
  readonly object: Readonly<Record<string, unknown>>;
  /** The namespace the object is created in; null for a cluster-scoped object. */
  readonly namespace: string | null;
  readonly operation: 'CREATE' | 'UPDATE';
  readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly resource: { readonly group: string; readonly version: string; readonly resource: string };
  /** Set for subresource requests (`ephemeralcontainers`); empty otherwise. */
  readonly subResource: string;
  /** The existing object for UPDATE. */
  readonly oldObject?: Readonly<Record<string, unknown>>;
}

/** What one policy (or one validation of it) decided. */
export interface PolicyOutcome {
  readonly engine: EngineId;
  /** The object that decided: a Namespace (PSA labels), a policy, a constraint. */
  readonly policy: Resource;
  /** The field that decided: a validation, a Kyverno rule, a label. */
  readonly path: FieldPath;
  /** How it is named in messages: `ValidatingAdmissionPolicy pod-hardening validation 0`. */
  readonly name: string;
  /**
   * `deny`: rejects the request; `warn`/`audit`: lets it through and records it; `pass`: the policy applies and the
   * object satisfies it; `unproven`: it applies (or may) and could not be evaluated — `reason` says why.
   */
  readonly outcome: 'deny' | 'warn' | 'audit' | 'pass' | 'unproven';
  /** The policy's own message for a violation. */
  readonly message?: string;
  /** Why the outcome is `unproven`, or what was evaluated. */
  readonly reason?: string;
  /** Objects the decision also rests on: a binding, a constraint's template, a params object. */
  readonly related?: readonly Resource[];
}

/**
 * `all`: every policy that applies answers; `deny`: only those that may reject the request need to (the others
 * are left out), for a question that is only about rejection.
 */
export type Answering = 'all' | 'deny';

export interface AdmissionEngine {
  readonly id: EngineId;
  /** Outcomes of this engine's policies that apply to the request; none when none applies. */
  evaluate(request: AdmissionRequest, inventory: Inventory, answering?: Answering): PolicyOutcome[];
  /**
   * False only when no request can get a `deny` from this engine in this input (it holds none of the engine's
   * policies), so that a question about rejection alone may skip building requests; absent means it may.
   */
  mayDeny?(inventory: Inventory): boolean;
  /**
   * False only when no request gets any outcome from this engine in this input, not even a warning or an unproven
   * one: the simulation, which submits hundreds of probes, then leaves it out. Absent means it may.
   */
  mayAnswer?(inventory: Inventory): boolean;
  /**
   * What its answers depend on in the input besides the request and its Namespace's labels, as JSON values: its
   * policies, bindings, exceptions and configuration, and the namespaces it treats apart by default. The simulation
   * gives a namespace none of these name the answers of another with the same labels. Absent: the whole input.
   */
  dependsOn?(inventory: Inventory): readonly unknown[];
}

export interface AdmissionResult {
  readonly verdict: Verdict;
  /** The outcomes behind the verdict: every deny for `rejected`, every unproven for `unproven`, … */
  readonly by: readonly PolicyOutcome[];
  /** One sentence: why this verdict. */
  readonly reason: string;
}
