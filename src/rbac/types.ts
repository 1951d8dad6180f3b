import type { Resource } from '../inventory/index.js';

/** One entry of a Role's `rules`, with every list present (Kubernetes treats a missing list as empty). */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** Where a definition comes from: the scanned input, Kubernetes' bootstrap policy, or the authorizer itself. */
export type Origin = 'input' | 'built-in' | 'hard-wired';

export interface RoleRule extends PolicyRule {
  /** The role whose `rules[index]` declares this rule: the holder itself, or a role it aggregates. */
  readonly declaredBy: Role;
  readonly index: number;
}

export interface Role {
  readonly kind: 'Role' | 'ClusterRole';
  /** A Role's namespace; always null for a ClusterRole. */
  readonly namespace: string | null;
  readonly name: string;
  readonly origin: Origin;
  readonly labels: Readonly<Record<string, string>>;
  /** Own rules, or for an aggregated ClusterRole the rules of every ClusterRole it selects. */
  readonly rules: readonly RoleRule[];
  /** The input object; absent for built-in roles. */
  readonly resource?: Resource;
}

export type SubjectKind = 'ServiceAccount' | 'User' | 'Group';

export interface Subject {
  readonly kind: SubjectKind;
  /** A ServiceAccount's namespace; null for users and groups (and for accounts of manifests without one). */
  readonly namespace: string | null;
  readonly name: string;
}

export interface BindingSubject {
  readonly subject: Subject;
  /** Index in the binding's `subjects`: where to point a finding. */
  readonly index: number;
}

export interface Binding {
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  /** A RoleBinding's namespace; always null for a ClusterRoleBinding. */
  readonly namespace: string | null;
  readonly name: string;
  readonly origin: Origin;
  readonly roleRef: { readonly kind: string; readonly name: string };
  /** Undefined when the referenced role is neither in the input nor built in: the binding grants nothing. */
  readonly role: Role | undefined;
  readonly subjects: readonly BindingSubject[];
  /** Cluster-wide for a ClusterRoleBinding, the namespace of a RoleBinding. */
  readonly scope: Scope;
  readonly resource?: Resource;
}

/** Where a grant applies: everywhere (cluster-scoped objects included), or in one namespace. */
export type Scope = { readonly cluster: true } | { readonly cluster: false; readonly namespace: string };

/** One rule a binding hands to one of its subjects. */
export interface Grant {
  /** The subject as the binding names it: for a permission held through a group, the group. */
  readonly subject: Subject;
  readonly subjectIndex: number;
  readonly binding: Binding;
  readonly role: Role;
  readonly rule: RoleRule;
  readonly scope: Scope;
}

export interface ResourceRequest {
  readonly verb: string;
  readonly resource: string;
  readonly subresource?: string;
  /** Defaults to the resource's well-known group; for an unknown resource, any group. */
  readonly apiGroup?: string;
  /** Undefined asks for every namespace at once (and cluster-scoped objects); null is the unset namespace. */
  readonly namespace?: string | null;
  readonly name?: string;
}

export interface NonResourceRequest {
  readonly verb: string;
  /** A non-resource URL such as `/metrics`. */
  readonly url: string;
}

export type Request = ResourceRequest | NonResourceRequest;

export interface Decision {
  readonly allowed: boolean;
  /** The grants that allow it. */
  readonly grants: readonly Grant[];
}
