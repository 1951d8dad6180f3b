import { z } from 'zod';
import { issueMessage } from '../inputs/errors.js';
import type { FieldPath } from '../inputs/path.js';
import { asRecord, type Inventory, type Resource } from '../inventory/index.js';
import type { MitigationId } from '../matrix/types.js';
import { globMatch } from '../util/text.js';
import { type PsaLevel, podSecurityOf } from './pod-security.js';
import type { Problem } from './webhooks.js';

/**
 * Admission defenses the input declares: Pod Security admission labels, Kyverno policies, Gatekeeper constraints and
 * ValidatingAdmissionPolicies, each with what it blocks where that can be read, whether it blocks or only records,
 * and where it applies. Coverage turns enforcing ones into mitigations present.
 */

export const CONTROLS = [
  'privileged',
  'host-path',
  'host-namespaces',
  'host-ports',
  'capabilities',
  'privilege-escalation',
  'run-as-root',
  'seccomp',
  'apparmor',
  'proc-mount',
  'sysctls',
  'read-only-root-filesystem',
  'image-registries',
  'image-signatures',
] as const;
export type Control = (typeof CONTROLS)[number];

/** The mitigation a control implements, when enforced. */
export const CONTROL_MITIGATIONS: Readonly<Record<Control, MitigationId>> = {
  privileged: 'MS-M9013',
  'host-path': 'MS-M9013',
  'host-namespaces': 'MS-M9013',
  'host-ports': 'MS-M9013',
  capabilities: 'MS-M9013',
  'privilege-escalation': 'MS-M9013',
  'run-as-root': 'MS-M9013',
  'proc-mount': 'MS-M9013',
  sysctls: 'MS-M9013',
  'read-only-root-filesystem': 'MS-M9013',
  seccomp: 'MS-M9011',
  apparmor: 'MS-M9011',
  'image-registries': 'MS-M9005.003',
  'image-signatures': 'MS-M9005.003',
};

export type Engine = 'pod-security-admission' | 'kyverno' | 'gatekeeper' | 'validating-admission-policy';

export interface DefenseScope {
  /** The namespaces it is limited to; undefined: every namespace. */
  readonly namespaces?: readonly string[];
  readonly excludedNamespaces?: readonly string[];
  /** Label selectors narrow it further, which files alone cannot resolve. */
  readonly selectors: boolean;
}

export interface Defense {
  readonly engine: Engine;
  /** The object that says what is blocked: a Namespace, a Kyverno policy, a constraint, a ValidatingAdmissionPolicy. */
  readonly resource: Resource;
  /** The field it is read from: a Kyverno rule, a label, a policy's validations. */
  readonly path: FieldPath;
  readonly controls: readonly Control[];
  /** `enforce` rejects violating requests; `audit` only records or warns. */
  readonly mode: 'enforce' | 'audit';
  readonly scope: DefenseScope;
  /** What the defense also rests on: the binding of a ValidatingAdmissionPolicy, a constraint's template. */
  readonly related: readonly Resource[];
  /** How it is named in messages: `Kyverno ClusterPolicy disallow-privileged rule deny-privileged`. */
  readonly description: string;
}

const BASELINE: readonly Control[] = [
  'privileged',
  'host-path',
  'host-namespaces',
  'host-ports',
  'capabilities',
  'seccomp',
  'apparmor',
  'proc-mount',
  'sysctls',
];
const RESTRICTED = new Set<Control>([...BASELINE, 'privilege-escalation', 'run-as-root']);
/** What each Pod Security Standard level rejects, in the order of {@link CONTROLS}. */
export const PSS_CONTROLS: Readonly<Record<PsaLevel, readonly Control[]>> = {
  privileged: [],
  baseline: BASELINE,
  restricted: CONTROLS.filter((control) => RESTRICTED.has(control)),
};

/** Pod fields a policy's patterns, JMESPath or CEL mention, and the control a check of them is. */
const FIELDS: readonly [RegExp, Control][] = [
  [/\bprivileged\b/, 'privileged'],
  [/\bhostPath\b/, 'host-path'],
  [/\bhost(Network|PID|IPC)\b/, 'host-namespaces'],
  [/\bhostPort\b/, 'host-ports'],
  [/\bcapabilities\b/, 'capabilities'],
  [/\ballowPrivilegeEscalation\b/, 'privilege-escalation'],
  [/\brunAs(NonRoot|User)\b/, 'run-as-root'],
  [/\bseccompProfile\b|seccomp\.security/, 'seccomp'],
  [/\bappArmorProfile\b|apparmor\.security/, 'apparmor'],
  [/\bprocMount\b/, 'proc-mount'],
  [/\bsysctls\b/, 'sysctls'],
  [/\breadOnlyRootFilesystem\b/, 'read-only-root-filesystem'],
  // A registry prefix in a pattern (`image: "registry.example.com/*"`) or a prefix test in CEL.
  [/"image":"[^"!*][^"]*\/|\.image\.startsWith\(/, 'image-registries'],
];

/** Names the well-known policy libraries give their policies and constraint kinds, for bodies we cannot read. */
const NAMES: readonly [RegExp, Control][] = [
  [/privileged-?container|PrivilegedContainer/i, 'privileged'],
  [/host-?path|HostFilesystem/i, 'host-path'],
  [/host-?namespace|HostNetworkingPorts/i, 'host-namespaces'],
  [/host-?ports|HostNetworkingPorts/i, 'host-ports'],
  [/capabilities/i, 'capabilities'],
  [/privilege-?escalation/i, 'privilege-escalation'],
  [/run-?as-?non-?root|AllowedUsers/i, 'run-as-root'],
  [/seccomp/i, 'seccomp'],
  [/apparmor/i, 'apparmor'],
  [/proc-?mount/i, 'proc-mount'],
  [/sysctl/i, 'sysctls'],
  [/ro-rootfs|read-?only-?root/i, 'read-only-root-filesystem'],
  [/image-registr|allowed-?repos|AllowedRepos|allowed-?registr/i, 'image-registries'],
];

function controlsIn(text: string, table: readonly [RegExp, Control][]): Control[] {
  return CONTROLS.filter((control) => table.some(([pattern, named]) => named === control && pattern.test(text)));
}

/** Controls a policy body checks, from the fields it mentions; failing that, from the names given. */
function readControls(body: unknown, names: readonly string[]): Control[] {
  // Messages are prose for users and may name fields the rule does not check.
  const fromBody = controlsIn(
    JSON.stringify(body ?? null, (key, value) => (key === 'message' ? undefined : value)),
    FIELDS,
  );
  return fromBody.length ? fromBody : controlsIn(names.join(' '), NAMES);
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

function scopeOf(namespaces: unknown, excluded: unknown, selectors: readonly unknown[]): DefenseScope {
  const only = stringList(namespaces)?.filter((name) => name !== '*');
  const except = stringList(excluded);
  // `{}` selects everything: only a selector with something in it narrows.
  const narrowing = selectors.some((selector) => Object.keys(asRecord(selector)).length > 0);
  return {
    ...(only?.length ? { namespaces: only } : {}),
    ...(except?.length ? { excludedNamespaces: except } : {}),
    selectors: narrowing,
  };
}

/** Whether an admission defense rejects violating pods in the namespace. Selectors cannot be resolved: not proven. */
export function enforcedIn(defense: Defense, namespace: string): boolean {
  const { mode, scope } = defense;
  if (mode !== 'enforce' || scope.selectors) return false;
  const matches = (patterns: readonly string[] | undefined) =>
    (patterns ?? []).some((pattern) => globMatch(pattern, namespace));
  return (!scope.namespaces || matches(scope.namespaces)) && !matches(scope.excludedNamespaces);
}

/** Everything the input declares, and the objects of these kinds it could not read. */
export function admissionDefenses(inventory: Inventory): { defenses: Defense[]; problems: Problem[] } {
  const defenses: Defense[] = [];
  const problems: Problem[] = [];
  podSecurityDefenses(inventory, defenses);
  kyvernoDefenses(inventory, defenses, problems);
  gatekeeperDefenses(inventory, defenses, problems);
  admissionPolicyDefenses(inventory, defenses, problems);
  return { defenses, problems };
}

function podSecurityDefenses(inventory: Inventory, defenses: Defense[]): void {
  for (const namespace of inventory.ofKind('Namespace')) {
    for (const setting of podSecurityOf(namespace)) {
      const controls = setting.level ? PSS_CONTROLS[setting.level] : [];
      if (!controls.length) continue;
      defenses.push({
        engine: 'pod-security-admission',
        resource: namespace,
        path: setting.path,
        controls,
        mode: setting.mode === 'enforce' ? 'enforce' : 'audit',
        scope: { namespaces: [namespace.ref.name], selectors: false },
        related: [],
        description: `Pod Security admission ${setting.mode}: ${setting.level} on namespace ${namespace.ref.name}`,
      });
    }
  }
}

/** Where a located problem points: a zod issue inside the field at `base`. */
function issueProblem(resource: Resource, base: FieldPath, error: z.ZodError, what: string): Problem {
  const [issue] = error.issues;
  return {
    resource,
    path: [...base, ...((issue?.path ?? []) as (string | number)[])],
    message: `${issue?.message ?? 'invalid'}; ${what}`,
  };
}

const KyvernoMatch = z.looseObject({
  resources: z.looseObject({ namespaces: z.array(z.string()).optional(), selector: z.unknown().optional() }).optional(),
  any: z.array(z.unknown()).optional(),
  all: z.array(z.unknown()).optional(),
});
const KyvernoRule = z.looseObject({
  name: z.string().default(''),
  match: KyvernoMatch.optional(),
  exclude: KyvernoMatch.optional(),
  validate: z
    .looseObject({
      failureAction: z.string().optional(),
      podSecurity: z
        .looseObject({ level: z.string(), exclude: z.array(z.looseObject({ controlName: z.string() })).optional() })
        .optional(),
    })
    .optional(),
  verifyImages: z.array(z.unknown()).optional(),
});
const KyvernoSpec = z.looseObject({
  validationFailureAction: z.string().optional(),
  rules: z.array(z.unknown()),
});

/** Pod Security Standards control names, as Kyverno's podSecurity exclusions name them. */
const PSS_CONTROL_NAMES: Readonly<Record<string, Control>> = {
  'privileged containers': 'privileged',
  'hostpath volumes': 'host-path',
  'host namespaces': 'host-namespaces',
  'host ports': 'host-ports',
  capabilities: 'capabilities',
  '/proc mount type': 'proc-mount',
  sysctls: 'sysctls',
  seccomp: 'seccomp',
  apparmor: 'apparmor',
  'privilege escalation': 'privilege-escalation',
  'running as non-root': 'run-as-root',
  'running as non-root user': 'run-as-root',
};

function kyvernoDefenses(inventory: Inventory, defenses: Defense[], problems: Problem[]): void {
  for (const kind of ['ClusterPolicy', 'Policy']) {
    for (const policy of inventory.ofKind(kind)) {
      if (!policy.ref.apiVersion.startsWith('kyverno.io/')) continue;
      const spec = KyvernoSpec.safeParse(policy.object.spec, { error: issueMessage });
      if (!spec.success) {
        problems.push(issueProblem(policy, ['spec'], spec.error, 'the policy was not read'));
        continue;
      }
      const { validationFailureAction: policyAction = 'Audit', rules } = spec.data;
      rules.forEach((raw, index) => {
        const path = ['spec', 'rules', index];
        const parsed = KyvernoRule.safeParse(raw, { error: issueMessage });
        if (!parsed.success) {
          problems.push(issueProblem(policy, path, parsed.error, 'this rule was not read'));
          return;
        }
        const rule = parsed.data;
        const { podSecurity } = rule.validate ?? {};
        let controls: Control[];
        if (podSecurity) {
          // An exclusion may be scoped to some images; counting it as lifting the control errs on the side of gaps.
          const lifted = new Set(
            (podSecurity.exclude ?? []).map((entry) => PSS_CONTROL_NAMES[entry.controlName.toLowerCase()]),
          );
          const level = podSecurity.level as PsaLevel;
          controls = (PSS_CONTROLS[level] ?? []).filter((control) => !lifted.has(control));
        } else if (rule.validate) {
          controls = readControls(rule.validate, [rule.name, policy.ref.name]);
        } else if (rule.verifyImages) {
          controls = ['image-signatures'];
        } else {
          return; // mutate and generate rules block nothing
        }
        if (!controls.length) return;
        const action = (rule.validate?.failureAction ?? (rule.verifyImages ? 'Enforce' : policyAction)).toLowerCase();
        const matches = [rule.match?.resources, ...(rule.match?.any ?? []), ...(rule.match?.all ?? [])].map((entry) =>
          asRecord(asRecord(entry).resources ?? entry),
        );
        const excluded = [rule.exclude?.resources, ...(rule.exclude?.any ?? [])].map((entry) =>
          asRecord(asRecord(entry).resources ?? entry),
        );
        const namespaces =
          policy.ref.kind === 'Policy'
            ? [policy.ref.namespace].filter((name) => name !== null)
            : matches.flatMap((entry) => stringList(entry.namespaces) ?? []);
        defenses.push({
          engine: 'kyverno',
          resource: policy,
          path,
          controls,
          mode: action === 'enforce' ? 'enforce' : 'audit',
          scope: scopeOf(
            namespaces,
            excluded.flatMap((entry) => stringList(entry.namespaces) ?? []),
            [...matches, ...excluded].flatMap((entry) => [entry.selector, entry.namespaceSelector]),
          ),
          related: [],
          description: `Kyverno ${policy.ref.kind} ${policy.ref.name} rule ${rule.name || index}`,
        });
      });
    }
  }
}

const GatekeeperSpec = z.looseObject({
  enforcementAction: z.string().default('deny'),
  scopedEnforcementActions: z.array(z.looseObject({ action: z.string() })).optional(),
  match: z
    .looseObject({
      namespaces: z.array(z.string()).optional(),
      excludedNamespaces: z.array(z.string()).optional(),
      labelSelector: z.unknown().optional(),
      namespaceSelector: z.unknown().optional(),
    })
    .default({}),
  parameters: z.unknown().optional(),
});

function gatekeeperDefenses(inventory: Inventory, defenses: Defense[], problems: Problem[]): void {
  const templates = new Map<string, Resource>();
  for (const template of inventory.ofKind('ConstraintTemplate')) {
    if (!template.ref.apiVersion.startsWith('templates.gatekeeper.sh/')) continue;
    const kind = asRecord(asRecord(asRecord(asRecord(template.object.spec).crd).spec).names).kind;
    if (typeof kind === 'string') templates.set(kind, template);
  }
  for (const constraint of inventory.resources) {
    if (!constraint.ref.apiVersion.startsWith('constraints.gatekeeper.sh/')) continue;
    const spec = GatekeeperSpec.safeParse(constraint.object.spec ?? {}, { error: issueMessage });
    if (!spec.success) {
      problems.push(issueProblem(constraint, ['spec'], spec.error, 'the constraint was not read'));
      continue;
    }
    const { kind } = constraint.ref;
    const template = templates.get(kind);
    // The kind names the library template; a template of our own says what it checks in its Rego.
    let controls = controlsIn(kind, NAMES);
    if (!controls.length && template)
      controls = controlsIn(JSON.stringify(asRecord(template.object.spec).targets ?? null), FIELDS);
    // The volume-types template blocks hostPath only when the allowed list leaves it out.
    if (kind === 'K8sPSPVolumeTypes') {
      const allowed = stringList(asRecord(spec.data.parameters).volumes) ?? [];
      controls = allowed.includes('*') || allowed.includes('hostPath') ? [] : ['host-path'];
    }
    if (!controls.length) continue;
    const { enforcementAction, scopedEnforcementActions = [], match } = spec.data;
    const enforce =
      enforcementAction === 'deny' ||
      (enforcementAction === 'scoped' && scopedEnforcementActions.some((entry) => entry.action === 'deny'));
    defenses.push({
      engine: 'gatekeeper',
      resource: constraint,
      path: ['spec'],
      controls,
      mode: enforce ? 'enforce' : 'audit',
      scope: scopeOf(match.namespaces, match.excludedNamespaces, [match.labelSelector, match.namespaceSelector]),
      related: template ? [template] : [],
      description: `Gatekeeper ${kind} ${constraint.ref.name}`,
    });
  }
}

const PolicySpec = z.looseObject({ validations: z.array(z.looseObject({ expression: z.string() })).default([]) });
const BindingSpec = z.looseObject({
  policyName: z.string(),
  validationActions: z.array(z.string()).min(1, 'must name at least one action (Deny, Warn, Audit)'),
  matchResources: z
    .looseObject({ namespaceSelector: z.unknown().optional(), objectSelector: z.unknown().optional() })
    .default({}),
});
const VAP_API = /^admissionregistration\.k8s\.io\/v1(beta1|alpha1)?$/;

function admissionPolicyDefenses(inventory: Inventory, defenses: Defense[], problems: Problem[]): void {
  const policies = new Map<string, { resource: Resource; controls: Control[] }>();
  for (const policy of inventory.ofKind('ValidatingAdmissionPolicy')) {
    if (!VAP_API.test(policy.ref.apiVersion)) continue;
    const spec = PolicySpec.safeParse(policy.object.spec ?? {}, { error: issueMessage });
    if (!spec.success) {
      problems.push(issueProblem(policy, ['spec'], spec.error, 'the policy was not read'));
      continue;
    }
    const controls = readControls(
      spec.data.validations.map((validation) => validation.expression),
      [policy.ref.name],
    );
    policies.set(policy.ref.name, { resource: policy, controls });
  }
  for (const binding of inventory.ofKind('ValidatingAdmissionPolicyBinding')) {
    if (!VAP_API.test(binding.ref.apiVersion)) continue;
    const spec = BindingSpec.safeParse(binding.object.spec ?? {}, { error: issueMessage });
    if (!spec.success) {
      problems.push(issueProblem(binding, ['spec'], spec.error, 'the binding was not read'));
      continue;
    }
    const policy = policies.get(spec.data.policyName);
    if (!policy?.controls.length) continue;
    const { validationActions, matchResources } = spec.data;
    defenses.push({
      engine: 'validating-admission-policy',
      resource: policy.resource,
      path: ['spec', 'validations'],
      controls: policy.controls,
      mode: validationActions.includes('Deny') ? 'enforce' : 'audit',
      scope: scopeOf(undefined, undefined, [matchResources.namespaceSelector, matchResources.objectSelector]),
      related: [binding],
      description: `ValidatingAdmissionPolicy ${policy.resource.ref.name} (binding ${binding.ref.name})`,
    });
  }
}
