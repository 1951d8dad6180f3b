import type { FieldPath } from '../../inputs/path.js';
import { asRecord, type Inventory, type Resource } from '../../inventory/index.js';
import { derived } from '../../inventory/reads.js';
import { type Access, keyOf } from '../access.js';
import { type CelCompileError, type CelProgram, celMapOf, compileCel, recordAccess, toCel } from '../cel.js';
import type { AdmissionRequest, EngineId, PolicyOutcome } from '../types.js';

/**
 * The body every CEL admission policy shares — ValidatingAdmissionPolicy, Gatekeeper's K8sNativeValidation source,
 * Kyverno's ValidatingPolicy: `variables`, `matchConditions`, `validations`, `failurePolicy`. Compiled once per
 * policy object; run per request.
 */

interface Compiled {
  readonly source: string;
  readonly program: CelProgram | CelCompileError;
}

interface Validation {
  readonly expression: Compiled;
  readonly message: string | undefined;
  readonly messageExpression: Compiled | undefined;
  readonly path: FieldPath;
}

export interface CelPolicyBody {
  readonly variables: readonly { readonly name: string; readonly expression: Compiled }[];
  readonly matchConditions: readonly { readonly name: string; readonly expression: Compiled }[];
  readonly validations: readonly Validation[];
  /** `Fail` unless the policy says `Ignore`, as the API server defaults it. */
  readonly failurePolicy: 'Fail' | 'Ignore';
}

const compiled = (source: unknown): Compiled => {
  const text = typeof source === 'string' ? source : '';
  return { source: text, program: compileCel(text) };
};

const named = (items: unknown) =>
  (Array.isArray(items) ? items : []).map((item) => {
    const { name, expression } = asRecord(item);
    return { name: String(name), expression: compiled(expression) };
  });

/** The body of `spec` (or a Gatekeeper `source`); `base` is where it sits in the object, for outcome paths. */
export function compileBody(spec: Readonly<Record<string, unknown>>, base: FieldPath): CelPolicyBody {
  const validations = (Array.isArray(spec.validations) ? spec.validations : []).map((raw, index): Validation => {
    const { expression, message, messageExpression } = asRecord(raw);
    return {
      expression: compiled(expression),
      message: typeof message === 'string' ? message.trim() : undefined,
      messageExpression: typeof messageExpression === 'string' ? compiled(messageExpression) : undefined,
      path: [...base, 'validations', index],
    };
  });
  return {
    variables: named(spec.variables),
    matchConditions: named(spec.matchConditions),
    validations,
    failurePolicy: spec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
  };
}

const BODIES = new WeakMap<Resource, CelPolicyBody>();

/** The compiled body of a policy whose `spec` holds it (ValidatingAdmissionPolicy, Kyverno ValidatingPolicy), once. */
export function policyBody(policy: Resource): CelPolicyBody {
  let body = BODIES.get(policy);
  if (!body) {
    body = compileBody(asRecord(policy.object.spec), ['spec']);
    BODIES.set(policy, body);
  }
  return body;
}

/** `spec.validationActions` as written; undefined when it lists none. */
export function validationActions(resource: Resource): Set<Action> | undefined {
  const actions = asRecord(resource.object.spec).validationActions;
  if (!Array.isArray(actions) || actions.length === 0) return undefined;
  return new Set(actions.filter((a): a is Action => a === 'Deny' || a === 'Warn' || a === 'Audit'));
}

export interface BodyInputs {
  /** Top-level variables: `object`, `oldObject`, `request`, `params`, `namespaceObject`. */
  readonly bindings: Readonly<Record<string, unknown>>;
  /** Entries of `variables` given before the policy's own (Gatekeeper's `anyObject`, `params`). */
  readonly presetVariables?: Readonly<Record<string, unknown>>;
  /** Reads this input cannot answer (`authorizer`, `request.userInfo`, …) and why. */
  readonly unknown: ReadonlyMap<string, string>;
}

type Evaluation =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'unproven'; readonly reason: string };

export type ValidationResult =
  | { readonly kind: 'pass'; readonly path: FieldPath }
  | { readonly kind: 'fail'; readonly path: FieldPath; readonly message: string }
  | { readonly kind: 'error'; readonly path: FieldPath; readonly message: string }
  | { readonly kind: 'unproven'; readonly path: FieldPath; readonly reason: string };

export type BodyResult =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'evaluated'; readonly results: readonly ValidationResult[] };

/**
 * One request's evaluation: its bindings, converted once, and its `variables`, each evaluated on first use, as the
 * API server does: a variable that errors matters only to an expression that reaches it. The evaluator reads the
 * map through `get`.
 */
class Scope extends Map<string, unknown> {
  readonly #values = new Map<string, Evaluation>();
  readonly #body: CelPolicyBody;
  readonly unknown: ReadonlyMap<string, string>;
  /** `object`, `request`, …, and `variables`: this map as CEL reads it. */
  readonly bindings: Readonly<Record<string, unknown>>;
  /** The first variable that failed during the current expression, to name instead of a bare "no such key". */
  failed: Evaluation | undefined;

  constructor(body: CelPolicyBody, inputs: BodyInputs) {
    super(Object.entries(inputs.presetVariables ?? {}).map(([name, value]) => [name, toCel(value)]));
    this.#body = body;
    this.unknown = inputs.unknown;
    for (const variable of body.variables) super.set(variable.name, null);
    const bindings: Record<string, unknown> = { variables: celMapOf(this) };
    for (const [name, value] of Object.entries(inputs.bindings)) bindings[name] = toCel(value);
    this.bindings = bindings;
  }

  override get(name: string): unknown {
    const variable = this.#body.variables.find((v) => v.name === name);
    if (!variable) return super.get(name);
    let value = this.#values.get(name);
    if (!value) {
      value = evaluate(variable.expression, this, true);
      this.#values.set(name, value);
    }
    if (value.kind === 'value') return value.value;
    this.failed ??= value;
    return undefined;
  }

  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

function evaluate(expression: Compiled, scope: Scope, raw = false): Evaluation {
  const { program } = expression;
  const quoted = () => `\`${expression.source.trim()}\``;
  if ('error' in program) {
    const reason = program.unsupported ? program.error : `does not compile here: ${program.error}`;
    return { kind: 'unproven', reason: `${quoted()} ${reason}` };
  }
  for (const read of program.reads) {
    const why = scope.unknown.get(read);
    if (why) return { kind: 'unproven', reason: why };
  }
  const failedBefore = scope.failed;
  scope.failed = undefined;
  const outcome = raw ? program.evaluateCel(scope.bindings) : program.evaluate(scope.bindings);
  const failed = scope.failed;
  scope.failed = failedBefore;
  if (outcome.ok) return { kind: 'value', value: outcome.value };
  if (failed) return failed;
  return outcome.unsupported
    ? { kind: 'unproven', reason: `${quoted()}: ${outcome.error}` }
    : { kind: 'error', message: outcome.error };
}

/** Runs the body as the API server does: match conditions, then every validation, variables as they are used. */
export function runBody(body: CelPolicyBody, inputs: BodyInputs): BodyResult {
  const scope = new Scope(body, inputs);
  const conditions = body.matchConditions.map((condition) => ({
    name: condition.name,
    result: evaluate(condition.expression, scope),
  }));
  const excluded = conditions.find(({ result }) => result.kind === 'value' && result.value === false);
  if (excluded) return { kind: 'skipped', reason: `matchCondition ${excluded.name} is false for it` };
  // A match condition that could not be evaluated decides for every validation: unknown, or an error.
  const blocked = conditions.find(({ result }) => result.kind !== 'value');
  const results = body.validations.map((validation): ValidationResult => {
    const { path } = validation;
    if (blocked?.result.kind === 'unproven') return { kind: 'unproven', path, reason: blocked.result.reason };
    if (blocked?.result.kind === 'error')
      return { kind: 'error', path, message: `matchCondition ${blocked.name}: ${blocked.result.message}` };
    const result = evaluate(validation.expression, scope);
    if (result.kind === 'unproven') return { kind: 'unproven', path, reason: result.reason };
    if (result.kind === 'error') return { kind: 'error', path, message: result.message };
    if (result.value === true) return { kind: 'pass', path };
    if (result.value !== false) return { kind: 'error', path, message: 'the validation did not evaluate to a boolean' };
    return { kind: 'fail', path, message: messageOf(validation, scope) };
  });
  return { kind: 'evaluated', results };
}

/**
 * What the body can read of its inputs, by top-level name (`object`, `request`, `variables.anyObject`, …);
 * undefined when some expression reads in a way no tree describes.
 */
export function bodyAccess(body: CelPolicyBody): ReadonlyMap<string, Access> | undefined {
  if (ACCESSES.has(body)) return ACCESSES.get(body);
  const roots = new Map<string, Access>();
  const variables = new Map<string, readonly Access[] | undefined>(body.variables.map((v) => [v.name, undefined]));
  let described = true;
  const record = (expression: Compiled, whole: boolean) => {
    const accesses = described ? recordAccess(expression.program, roots, variables) : undefined;
    if (!accesses) described = false;
    else if (whole) for (const access of accesses) access.whole = true;
    return accesses;
  };
  for (const variable of body.variables) variables.set(variable.name, record(variable.expression, false));
  for (const condition of body.matchConditions) record(condition.expression, true);
  for (const validation of body.validations) {
    record(validation.expression, true);
    if (validation.messageExpression) record(validation.messageExpression, true);
  }
  const access = described ? roots : undefined;
  ACCESSES.set(body, access);
  return access;
}

const ACCESSES = new WeakMap<CelPolicyBody, ReadonlyMap<string, Access> | undefined>();

const UNKNOWN_KEYS = new WeakMap<ReadonlyMap<string, string>, string>();

function unknownKey(unknown: ReadonlyMap<string, string>): string {
  let key = UNKNOWN_KEYS.get(unknown);
  if (key === undefined) {
    key = [...unknown.keys()].join(',');
    UNKNOWN_KEYS.set(unknown, key);
  }
  return key;
}

/** Body results per distinct input, as long as the inventory lives; see {@link runBodyOnce}. */
export type BodyMemo = WeakMap<CelPolicyBody, Map<string, BodyResult>>;

export const bodyMemo = (inventory: Inventory): BodyMemo => derived(inventory, newMemo);
const newMemo = (): BodyMemo => new WeakMap();

/**
 * {@link runBody}, once per input that differs in what the body reads: the result for an input with the same key
 * is the same (`access.ts`). Bindings are plain data here (the `request` variable too), as keys are read from them.
 */
export function runBodyOnce(body: CelPolicyBody, inputs: BodyInputs, memo: BodyMemo): BodyResult {
  const roots = bodyAccess(body);
  if (!roots) return runBody(body, inputs);
  let key = unknownKey(inputs.unknown);
  for (const [name, access] of roots) {
    const value = name.startsWith('variables.')
      ? inputs.presetVariables?.[name.slice('variables.'.length)]
      : inputs.bindings[name];
    key += `|${keyOf(value, access)}`;
  }
  let results = memo.get(body);
  if (!results) {
    results = new Map();
    memo.set(body, results);
  }
  let result = results.get(key);
  if (!result) {
    result = runBody(body, inputs);
    results.set(key, result);
  }
  return result;
}

function messageOf(validation: Validation, scope: Scope): string {
  if (validation.messageExpression) {
    const message = evaluate(validation.messageExpression, scope);
    if (message.kind === 'value' && typeof message.value === 'string' && message.value.trim() !== '')
      return message.value.trim();
  }
  return validation.message || `failed expression: ${validation.expression.source.trim()}`;
}

export type Action = 'Deny' | 'Warn' | 'Audit';

/**
 * The `request` variable, as plain data (converted once, with the object, when bound): the requesting user is
 * unknown, so `request.userInfo` is in {@link BodyInputs.unknown}.
 */
export function requestVariable(request: AdmissionRequest, name: string): Readonly<Record<string, unknown>> {
  let variable = REQUEST_VARIABLES.get(request);
  if (variable) return variable;
  variable = {
    kind: request.kind,
    resource: request.resource,
    subResource: request.subResource,
    requestKind: request.kind,
    requestResource: request.resource,
    requestSubResource: request.subResource,
    name,
    namespace: request.namespace ?? '',
    operation: request.operation,
    dryRun: false,
    options: {},
  };
  REQUEST_VARIABLES.set(request, variable);
  return variable;
}

/** Each request's `request` variable, made once for all the policies that read it. */
const REQUEST_VARIABLES = new WeakMap<AdmissionRequest, Readonly<Record<string, unknown>>>();

/** Reads no scan can answer, whatever the input. */
export const UNKNOWABLE: ReadonlyMap<string, string> = new Map([
  ['authorizer', 'uses `authorizer`: what the requesting user may do is not simulated'],
  ['authorizer.requestResource', 'uses `authorizer`: what the requesting user may do is not simulated'],
  ['request.userInfo', 'depends on the requesting user (`request.userInfo`), which a scan does not know'],
]);

const NAMESPACE_UNKNOWN = new Map<string, ReadonlyMap<string, string>>();

/** {@link UNKNOWABLE}, and `namespaceObject` when the request's namespace is not in the input. */
export function unknownFor(request: AdmissionRequest, namespace: Resource | undefined): ReadonlyMap<string, string> {
  if (request.namespace === null || namespace) return UNKNOWABLE;
  let unknown = NAMESPACE_UNKNOWN.get(request.namespace);
  if (!unknown) {
    unknown = new Map([
      ...UNKNOWABLE,
      ['namespaceObject', `reads namespaceObject, and namespace ${request.namespace} is not in the input`],
    ]);
    // Namespaces come from the input and the probes: few, but keep it bounded all the same.
    if (NAMESPACE_UNKNOWN.size >= 4096) NAMESPACE_UNKNOWN.clear();
    NAMESPACE_UNKNOWN.set(request.namespace, unknown);
  }
  return unknown;
}

export interface OutcomeContext {
  readonly engine: EngineId;
  readonly policy: Resource;
  /** `ValidatingAdmissionPolicy pod-hardening`; the validation's index is appended. */
  readonly name: string;
  readonly actions: ReadonlySet<Action>;
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly related: readonly Resource[];
  /** Added to every outcome's reason: what else the decision rests on. */
  readonly note?: string;
}

function action(actions: ReadonlySet<Action>): 'deny' | 'warn' | 'audit' | 'pass' {
  if (actions.has('Deny')) return 'deny';
  if (actions.has('Warn')) return 'warn';
  return actions.has('Audit') ? 'audit' : 'pass';
}

/** One outcome per validation: a failure takes the actions, an error the failure policy. */
export function outcomesOf(result: BodyResult, context: OutcomeContext): PolicyOutcome[] {
  if (result.kind === 'skipped') return [];
  const { engine, policy, related, note } = context;
  const suffix = note ? ` ${note}` : '';
  return result.results.map((validation): PolicyOutcome => {
    const base = {
      engine,
      policy,
      related,
      path: validation.path,
      name: `${context.name} validation ${validation.path.at(-1)}`,
    };
    switch (validation.kind) {
      case 'pass':
        return { ...base, outcome: 'pass', reason: `the validation holds${suffix}` };
      case 'unproven':
        return { ...base, outcome: 'unproven', reason: `${validation.reason}${suffix}` };
      case 'fail':
        return {
          ...base,
          outcome: action(context.actions),
          message: validation.message,
          reason: `the validation is false${suffix}`,
        };
      default:
        return context.failurePolicy === 'Ignore'
          ? {
              ...base,
              outcome: 'pass',
              reason: `evaluation error ignored (failurePolicy Ignore): ${validation.message}${suffix}`,
            }
          : {
              ...base,
              outcome: action(context.actions),
              message: `evaluation error: ${validation.message}`,
              reason: `evaluation error under failurePolicy Fail${suffix}`,
            };
    }
  });
}
