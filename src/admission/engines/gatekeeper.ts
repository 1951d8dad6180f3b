import { asRecord, type Inventory, type Resource } from '../../inventory/index.js';
import { selects } from '../../k8s/selectors.js';
import { globMatch } from '../../util/text.js';
import type { AdmissionEngine, AdmissionRequest, Answering, PolicyOutcome } from '../types.js';
import {
  type Action,
  bodyMemo,
  type CelPolicyBody,
  compileBody,
  outcomesOf,
  requestVariable,
  runBodyOnce,
  unknownFor,
} from './cel-policy.js';
import { type MatchAnswer, namespaceOf, namespaceSelectorMatches, objectLabels, objectName } from './match.js';

/**
 * Gatekeeper: a ConstraintTemplate's `K8sNativeValidation` (CEL) code is evaluated in-process, with
 * `variables.anyObject` and `variables.params` (the constraint's `spec.parameters`), for each constraint of the
 * template's kind whose `spec.match` selects the request. A Rego-only template cannot be evaluated here.
 */

const CONSTRAINTS_GROUP = 'constraints.gatekeeper.sh/';
const TEMPLATES_GROUP = 'templates.gatekeeper.sh/';
/** Gatekeeper's own namespace, which its deployments exempt from admission with `--exempt-namespace`. */
const OWN_NAMESPACE = 'gatekeeper-system';
/** The label Gatekeeper's webhook configuration excludes namespaces by. */
const IGNORE_LABEL = 'admission.gatekeeper.sh/ignore';
/** Enforcement points that act at admission (the webhook, and the ValidatingAdmissionPolicy Gatekeeper generates). */
const ADMISSION_POINTS = new Set(['validation.gatekeeper.sh', 'vap.k8s.io', '*']);

type Template =
  | { readonly template: Resource; readonly body: CelPolicyBody }
  | { readonly template: Resource; readonly rego: true };

interface Index {
  readonly templates: ReadonlyMap<string, Template>;
  readonly constraints: readonly Resource[];
}

const INDEXES = new WeakMap<Inventory, Index>();

function templateOf(template: Resource): [string, Template] | undefined {
  const spec = asRecord(template.object.spec);
  const kind = asRecord(asRecord(asRecord(spec.crd).spec).names).kind;
  if (typeof kind !== 'string') return undefined;
  const targets = Array.isArray(spec.targets) ? spec.targets : [];
  for (const [t, target] of targets.entries()) {
    const code = asRecord(target).code;
    for (const [c, entry] of (Array.isArray(code) ? code : []).entries()) {
      const { engine, source } = asRecord(entry);
      if (engine !== 'K8sNativeValidation') continue;
      const path = ['spec', 'targets', t, 'code', c, 'source'];
      return [kind, { template, body: compileBody(asRecord(source), path) }];
    }
  }
  return [kind, { template, rego: true }];
}

function indexOf(inventory: Inventory): Index {
  let index = INDEXES.get(inventory);
  if (!index) {
    const templates = new Map(
      inventory
        .ofKind('ConstraintTemplate')
        .filter((t) => String(t.object.apiVersion).startsWith(TEMPLATES_GROUP))
        .flatMap((t): [string, Template][] => {
          const entry = templateOf(t);
          return entry ? [entry] : [];
        }),
    );
    const constraints = inventory.resources.filter((r) => String(r.object.apiVersion).startsWith(CONSTRAINTS_GROUP));
    index = { templates, constraints };
    INDEXES.set(inventory, index);
  }
  return index;
}

/** `namespaces`/`excludedNamespaces` entries: names, with a `*` prefix or suffix glob. */
const inNamespaces = (patterns: unknown, namespace: string) =>
  Array.isArray(patterns) && patterns.some((pattern) => typeof pattern === 'string' && globMatch(pattern, namespace));

/** The constraint's `spec.match`, as Gatekeeper reads it. */
function constraintMatches(
  match: Record<string, unknown>,
  request: AdmissionRequest,
  inventory: Inventory,
): MatchAnswer {
  const { kinds, namespaces, excludedNamespaces, labelSelector, namespaceSelector, scope, name } = match;
  if (Array.isArray(kinds) && kinds.length > 0) {
    const listed = kinds.some((entry) => {
      const { apiGroups, kinds: names } = asRecord(entry);
      const group = Array.isArray(apiGroups) && apiGroups.some((g) => g === '*' || g === request.kind.group);
      return group && Array.isArray(names) && names.some((k) => k === '*' || k === request.kind.kind);
    });
    if (!listed) return { matches: false };
  }
  if (scope === 'Cluster' && request.namespace !== null) return { matches: false };
  if (scope === 'Namespaced' && request.namespace === null) return { matches: false };
  if (typeof name === 'string' && !globMatch(name, objectName(request))) return { matches: false };
  if (labelSelector !== undefined && !selects(labelSelector, objectLabels(request.object))) return { matches: false };
  // A cluster-scoped object other than a Namespace has no namespace to filter on.
  const namespace = request.object.kind === 'Namespace' ? objectName(request) : request.namespace;
  if (namespace === null) return { matches: true };
  if (Array.isArray(namespaces) && namespaces.length > 0 && !inNamespaces(namespaces, namespace))
    return { matches: false };
  if (inNamespaces(excludedNamespaces, namespace)) return { matches: false };
  return namespaceSelectorMatches(namespaceSelector, request, inventory);
}

/** `enforcementAction`: deny, warn, dryrun (audit only); `scoped` lists actions per enforcement point. */
function actionsOf(constraint: Resource): Set<Action> {
  const spec = asRecord(constraint.object.spec);
  const toAction = (action: unknown): Action | undefined =>
    action === 'deny' ? 'Deny' : action === 'warn' ? 'Warn' : action === 'dryrun' ? 'Audit' : undefined;
  if (spec.enforcementAction !== 'scoped') {
    const action = toAction(spec.enforcementAction ?? 'deny');
    return new Set(action ? [action] : []);
  }
  const scoped = Array.isArray(spec.scopedEnforcementActions) ? spec.scopedEnforcementActions : [];
  return new Set(
    scoped.flatMap((entry) => {
      const { action, enforcementPoints } = asRecord(entry);
      const points = Array.isArray(enforcementPoints) ? enforcementPoints : [];
      const atAdmission = points.some((point) => ADMISSION_POINTS.has(String(asRecord(point).name)));
      return atAdmission ? (toAction(action) ?? []) : [];
    }),
  );
}

function evaluateConstraint(
  constraint: Resource,
  template: Template | undefined,
  request: AdmissionRequest,
  inventory: Inventory,
): PolicyOutcome[] {
  const name = `${constraint.ref.kind} ${constraint.ref.name}`;
  const matched = constraintMatches(asRecord(asRecord(constraint.object.spec).match), request, inventory);
  const unproven = (reason: string): PolicyOutcome[] => [
    {
      engine: 'gatekeeper',
      policy: constraint,
      path: ['spec'],
      name,
      outcome: 'unproven',
      reason,
      related: template ? [template.template] : [],
    },
  ];
  if ('unproven' in matched) return unproven(matched.unproven);
  if (!matched.matches) return [];
  const namespace = namespaceOf(request, inventory);
  if (namespace?.labels[IGNORE_LABEL] !== undefined) return [];
  if (!template) return unproven(`no ConstraintTemplate for kind ${constraint.ref.kind} is in the input`);
  if ('rego' in template)
    return unproven(
      `ConstraintTemplate ${template.template.ref.name} has only Rego code: Rego does not run in-process`,
    );
  const unknown = unknownFor(request, namespace);
  const parameters = asRecord(constraint.object.spec).parameters;
  const result = runBodyOnce(
    template.body,
    {
      bindings: {
        object: request.object,
        oldObject: request.oldObject ?? null,
        request: requestVariable(request, objectName(request)),
        params: constraint.object,
        namespaceObject: namespace?.object ?? null,
      },
      presetVariables: { anyObject: request.object, params: parameters ?? null },
      unknown,
    },
    bodyMemo(inventory),
  );
  const exempt = (request.namespace ?? objectName(request)) === OWN_NAMESPACE;
  // The validation that decides is the template's; the constraint that applies it comes with it.
  return outcomesOf(result, {
    engine: 'gatekeeper',
    policy: template.template,
    name: `${name} (ConstraintTemplate ${template.template.ref.name})`,
    actions: actionsOf(constraint),
    failurePolicy: template.body.failurePolicy,
    related: [constraint],
    ...(exempt ? { note: `(Gatekeeper exempts ${OWN_NAMESPACE} when deployed with --exempt-namespace)` } : {}),
  });
}

/** Without policies of its kind, an engine answers nothing: it neither denies nor warns. */
const hasPolicies = (inventory: Inventory) => indexOf(inventory).constraints.length > 0;

export const gatekeeperEngine: AdmissionEngine = {
  id: 'gatekeeper',
  evaluate(request, inventory, answering: Answering = 'all') {
    const { templates, constraints } = indexOf(inventory);
    return constraints.flatMap((constraint) =>
      answering === 'deny' && !actionsOf(constraint).has('Deny')
        ? []
        : evaluateConstraint(constraint, templates.get(constraint.ref.kind), request, inventory),
    );
  },
  mayDeny: hasPolicies,
  mayAnswer: hasPolicies,
  dependsOn: (inventory) => {
    const { templates, constraints } = indexOf(inventory);
    return [
      ...[...templates.values()].map(({ template }) => template.object),
      ...constraints.map((c) => c.object),
      OWN_NAMESPACE,
    ];
  },
};
