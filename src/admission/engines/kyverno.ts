import type { FieldPath } from '../../inputs/path.js';
import { asRecord, type Inventory, POD_SPEC_PATHS, type Resource } from '../../inventory/index.js';
import { PSA_LEVELS, type PsaLevel } from '../../k8s/pod-security.js';
import { selects } from '../../k8s/selectors.js';
import { type Access, fieldOf, mergeAccess, newAccess, requestKey } from '../access.js';
import type { AdmissionEngine, AdmissionRequest, Answering, PolicyOutcome } from '../types.js';
import {
  type BodyMemo,
  bodyAccess,
  bodyMemo,
  type CelPolicyBody,
  compileBody,
  requestVariable,
  runBodyOnce,
  UNKNOWABLE,
} from './cel-policy.js';
import {
  type Conditions,
  compileConditions,
  compileTemplate,
  UnresolvedVariable,
  UnsupportedJmesPath,
  type VariableScope,
} from './kyverno-conditions.js';
import { compileJmesPath } from './kyverno-jmespath.js';
import {
  type CompiledPattern,
  compilePattern,
  compileWildcard,
  type PatternResult,
  patternAccess,
  patternPath,
  UnsupportedPattern,
} from './kyverno-pattern.js';
import { PSS_CONTROL_NAMES, type PssVersion, podSecurityViolations } from './pss.js';

/**
 * Kyverno `ClusterPolicy` and `Policy` (kyverno.io/v1, v2beta1) validate rules, as Kyverno's admission webhook
 * decides a request: `match`/`exclude`, autogen for pod controllers, `preconditions`, then `pattern`, `anyPattern`,
 * `deny.conditions`, `podSecurity`, `cel` and simple `foreach` blocks, with `validationFailureAction` (and its
 * per-rule and per-namespace overrides) choosing between rejecting and recording. Policies are compiled once
 * (cached per object) and evaluated per request. What cannot be evaluated in-process — `context` (API calls,
 * ConfigMaps), `mutate` rules, `verifyImages`, the requester's identity where a rule depends on it — is `unproven`
 * with the reason.
 */

/** Controllers whose pod templates Kyverno's autogen checks with a Pod rule, unless the policy names others. */
const AUTOGEN_DEFAULT = [
  'DaemonSet',
  'Deployment',
  'Job',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'CronJob',
];
const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';
/** Namespaces Kyverno's default `resourceFilters` leave alone (its Helm chart adds its own namespace). */
const DEFAULT_FILTERED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'kyverno'];

type Tri = { readonly value: boolean } | { readonly unproven: string };
const YES: Tri = { value: true };
const NO: Tri = { value: false };
/** Shared: most rules pass most requests. */
const PASSED: RuleResult = { status: 'pass' };

/** What a rule's evaluation found. */
type RuleResult =
  | { readonly status: 'pass' | 'skip'; readonly reason?: string }
  | { readonly status: 'fail'; readonly message: string; readonly detail?: string }
  | { readonly status: 'unproven'; readonly reason: string };

/** The request as one rule sees it: the object (a controller's pod template as a Pod, under autogen). */
interface Subject {
  readonly request: AdmissionRequest;
  readonly object: Readonly<Record<string, unknown>>;
  readonly kind: string;
  readonly namespaceObject: Resource | undefined;
  /** The controller kind when the rule is applied through autogen. */
  readonly autogen?: string;
  /** The variables `{{ … }}` resolve against. */
  readonly scope: VariableScope;
  /** Where `cel` rules keep their results per distinct request. */
  readonly memo: BodyMemo;
}

type FilterTest = (subject: Subject) => Tri;
type Validation = (subject: Subject) => RuleResult;

interface CompiledRule {
  readonly name: string;
  readonly path: FieldPath;
  /** Unproven for every request it matches, with why (a `context`, `mutate`, `verifyImages`). */
  readonly unproven?: string;
  /** Rules Kyverno skips at admission: `generate` and other non-validating ones. */
  readonly inert?: boolean;
  readonly match: FilterTest;
  readonly exclude: FilterTest;
  /** The controllers whose pod templates autogen checks with this (Pod) rule. */
  readonly autogen: readonly string[];
  readonly preconditions?: Conditions;
  readonly validate?: Validation;
  readonly action: (namespace: string | null, namespaceObject: Resource | undefined) => 'enforce' | 'audit';
  /** Whether it enforces anywhere: a rule that only audits cannot reject a request. */
  readonly mayEnforce: boolean;
  /**
   * What its answer can read of its subject besides what `match`/`exclude` read (see `narrow`); undefined when
   * that cannot be said (preconditions, deny conditions, templated messages, …).
   */
  readonly reads: Access | undefined;
  /** Its match or exclude reads names, labels or annotations. */
  readonly narrow: boolean;
  /** Pass outcomes, once built, per autogen controller ('' for the object itself) and reason (a skip's). */
  readonly passes: Map<string, PolicyOutcome>;
}

interface CompiledPolicy {
  readonly rules: readonly CompiledRule[];
  /** `Kyverno ClusterPolicy disallow-privileged`. */
  readonly label: string;
  /** Set when the whole policy cannot be read. */
  readonly broken?: string;
}

const cache = new WeakMap<Resource, CompiledPolicy>();

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** Every test holds (a failing one decides over a doubtful one); evaluated in order, without allocating. */
function all(tests: readonly FilterTest[], subject: Subject): Tri {
  let doubt: Tri | undefined;
  for (const test of tests) {
    const result = test(subject);
    if (!('value' in result)) doubt ??= result;
    else if (!result.value) return NO;
  }
  return doubt ?? YES;
}
/** Some test holds (a holding one decides over a doubtful one). */
function any(tests: readonly FilterTest[], subject: Subject): Tri {
  let doubt: Tri | undefined;
  for (const test of tests) {
    const result = test(subject);
    if (!('value' in result)) doubt ??= result;
    else if (result.value) return YES;
  }
  return doubt ?? NO;
}

/** `Pod`, `v1/Pod`, `apps/v1/Deployment`, `Pod/ephemeralcontainers`, `*`: the kind (and subresource) a request has. */
function kindMatcher(entry: string): (kind: string, subResource: string) => boolean {
  const parts = entry.split('/');
  let kind = parts.pop() ?? '';
  let sub = '';
  // Kinds are capitalised and subresources are not: `Pod/ephemeralcontainers`, `Pod/*`, but `apps/v1/Deployment`.
  const before = parts[parts.length - 1];
  if (before !== undefined && (/^[a-z]/.test(kind) || (kind === '*' && /^[A-Z*]/.test(before)))) {
    sub = kind;
    kind = parts.pop() ?? '';
  }
  const kindTest = compileWildcard(kind);
  const subTest = compileWildcard(sub);
  return (requestKind, subResource) => kindTest(requestKind) && subTest(subResource);
}

/** One `resources` block (with `subjects`/`roles`/`clusterRoles` beside it): all its conditions hold. */
function compileFilter(
  raw: unknown,
  side: 'match' | 'exclude',
): { test: FilterTest; kinds: string[]; narrow: boolean } {
  const filter = asRecord(raw);
  const resources = asRecord(filter.resources);
  const kinds = strings(resources.kinds);
  const kindTests = kinds.map(kindMatcher);
  const names = [...strings(resources.names), ...(typeof resources.name === 'string' ? [resources.name] : [])].map(
    compileWildcard,
  );
  const namespaces = strings(resources.namespaces).map(compileWildcard);
  const operations = strings(resources.operations);
  const annotations = Object.entries(asRecord(resources.annotations)).map(
    ([key, value]) => [key, compileWildcard(String(value))] as const,
  );
  const identity = ['subjects', 'roles', 'clusterRoles'].filter(
    (key) => Array.isArray(filter[key]) && (filter[key] as unknown[]).length,
  );
  const tests: FilterTest[] = [];
  if (kindTests.length) {
    tests.push(({ kind, request }) => (kindTests.some((test) => test(kind, request.subResource)) ? YES : NO));
  }
  if (names.length) {
    tests.push(({ object }) => {
      const name = asRecord(object.metadata).name;
      return typeof name === 'string' && names.some((test) => test(name)) ? YES : NO;
    });
  }
  if (namespaces.length) {
    tests.push(({ request }) =>
      request.namespace !== null && namespaces.some((test) => test(request.namespace as string)) ? YES : NO,
    );
  }
  if (operations.length) tests.push(({ request }) => (operations.includes(request.operation) ? YES : NO));
  if (resources.selector !== undefined) {
    tests.push(({ object }) => (selects(resources.selector, labelsOf(object)) ? YES : NO));
  }
  if (annotations.length) {
    tests.push(({ object }) => {
      const present = asRecord(asRecord(object.metadata).annotations);
      return annotations.every(([key, test]) => typeof present[key] === 'string' && test(present[key] as string))
        ? YES
        : NO;
    });
  }
  if (resources.namespaceSelector !== undefined) {
    tests.push(({ request, namespaceObject }) => {
      if (request.namespace === null) return NO;
      if (!namespaceObject) {
        return {
          unproven: `Namespace ${request.namespace} is not in the input: its labels, which the rule's namespaceSelector reads, are unknown`,
        };
      }
      return selects(resources.namespaceSelector, namespaceObject.labels) ? YES : NO;
    });
  }
  if (identity.length) {
    // Who sends the request is not part of a simulated one: a rule only for some requesters may or may not
    // apply, while an exclusion of some requesters leaves everyone else checked.
    tests.push(() =>
      side === 'match'
        ? {
            unproven: `the rule applies only to some requesters (${identity.join(', ')}), and the requester is not known`,
          }
        : NO,
    );
  }
  return {
    test: (subject) => all(tests, subject),
    kinds,
    narrow: names.length > 0 || resources.selector !== undefined || annotations.length > 0,
  };
}

function labelsOf(object: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(asRecord(asRecord(object.metadata).labels)).map(([k, v]) => [k, String(v)]));
}

/** `match` or `exclude`: `any` (one filter), `all` (every filter), or the older single `resources` block. */
function compileBlock(
  raw: unknown,
  side: 'match' | 'exclude',
): { test: FilterTest; kinds: string[]; narrow: boolean; empty: boolean } {
  const block = asRecord(raw);
  const anyOf = Array.isArray(block.any) ? block.any.map((filter) => compileFilter(filter, side)) : [];
  const allOf = Array.isArray(block.all) ? block.all.map((filter) => compileFilter(filter, side)) : [];
  const legacy =
    block.resources !== undefined ||
    block.subjects !== undefined ||
    block.roles !== undefined ||
    block.clusterRoles !== undefined;
  const single = legacy ? [compileFilter(block, side)] : [];
  const filters = [...anyOf, ...allOf, ...single];
  const empty = filters.length === 0;
  const parts: FilterTest[] = [];
  const tests = (list: readonly { test: FilterTest }[]) => list.map((filter) => filter.test);
  const [anyTests, allTests, singleTests] = [tests(anyOf), tests(allOf), tests(single)];
  if (anyTests.length) parts.push((subject) => any(anyTests, subject));
  if (allTests.length) parts.push((subject) => all(allTests, subject));
  if (singleTests.length) parts.push((subject) => all(singleTests, subject));
  return {
    test: (subject) => (parts.length ? all(parts, subject) : NO),
    kinds: filters.flatMap((filter) => filter.kinds),
    narrow: filters.some((filter) => filter.narrow),
    empty,
  };
}

/** `Enforce`/`Audit` (any case), with per-namespace overrides; Kyverno's default is Audit. */
function compileAction(
  spec: Readonly<Record<string, unknown>>,
  validate: Readonly<Record<string, unknown>>,
): Pick<CompiledRule, 'action' | 'mayEnforce'> {
  const read = (value: unknown): 'enforce' | 'audit' | undefined =>
    typeof value === 'string'
      ? value.toLowerCase() === 'enforce'
        ? 'enforce'
        : value.toLowerCase() === 'audit'
          ? 'audit'
          : undefined
      : undefined;
  const base = read(validate.failureAction) ?? read(spec.validationFailureAction) ?? 'audit';
  const overrides = (
    Array.isArray(validate.failureActionOverrides)
      ? validate.failureActionOverrides
      : Array.isArray(spec.validationFailureActionOverrides)
        ? spec.validationFailureActionOverrides
        : []
  ).map((raw) => {
    const override = asRecord(raw);
    return {
      action: read(override.action),
      namespaces: strings(override.namespaces).map(compileWildcard),
      selector: override.namespaceSelector,
    };
  });
  const action: CompiledRule['action'] = (namespace, namespaceObject) => {
    for (const override of overrides) {
      if (!override.action || namespace === null) continue;
      const byName = override.namespaces.some((test) => test(namespace));
      const bySelector =
        override.selector !== undefined &&
        namespaceObject !== undefined &&
        selects(override.selector, namespaceObject.labels);
      if (byName || bySelector) return override.action;
    }
    return base;
  };
  return { action, mayEnforce: base === 'enforce' || overrides.some((override) => override.action === 'enforce') };
}

/** A validation, and what it reads of its subject when that can be said. */
interface CompiledValidation {
  readonly check: Validation;
  readonly reads: Access | undefined;
}

function patternReads(patterns: readonly unknown[]): Access {
  const reads = newAccess();
  for (const pattern of patterns) patternAccess(pattern, reads);
  return reads;
}

function compileValidation(
  validate: Readonly<Record<string, unknown>>,
  message: string,
): CompiledValidation | { unproven: string } {
  const kinds = ['pattern', 'anyPattern', 'deny', 'podSecurity', 'cel', 'foreach'].filter(
    (key) => validate[key] !== undefined,
  );
  if (validate.manifests !== undefined) return { unproven: 'manifest signature validation is not evaluated' };
  if (validate.assert !== undefined) return { unproven: 'assertion trees (validate.assert) are not evaluated' };
  if (kinds.length !== 1)
    return {
      unproven: `a validate block with ${kinds.length ? kinds.join(' and ') : 'no known check'} is not evaluated`,
    };
  try {
    const unread = (check: Validation | { unproven: string }) =>
      'unproven' in check ? check : { check, reads: undefined };
    if (validate.pattern !== undefined) {
      const check = patternValidation([compilePattern(validate.pattern)], message);
      return { check, reads: patternReads([validate.pattern]) };
    }
    if (validate.anyPattern !== undefined) {
      if (!Array.isArray(validate.anyPattern)) return { unproven: 'anyPattern is not a list' };
      return {
        check: patternValidation(validate.anyPattern.map(compilePattern), message),
        reads: patternReads(validate.anyPattern),
      };
    }
    if (validate.deny !== undefined) return unread(denyValidation(asRecord(validate.deny).conditions, message));
    if (validate.podSecurity !== undefined) return unread(podSecurityValidation(asRecord(validate.podSecurity)));
    if (validate.cel !== undefined) return celValidation(asRecord(validate.cel));
    return unread(foreachValidation(validate.foreach, message));
  } catch (error) {
    if (error instanceof UnsupportedPattern || error instanceof UnsupportedJmesPath) return { unproven: error.message };
    throw error;
  }
}

function patternOutcome(patterns: readonly CompiledPattern[], target: unknown, message: string): RuleResult {
  // The common case, one pattern that holds, decides without collecting results.
  const first = patterns[0]?.match(target);
  if (first?.status === 'pass') return PASSED;
  const results: PatternResult[] = [
    first as PatternResult,
    ...patterns.slice(1).map((pattern) => pattern.match(target)),
  ];
  if (results.some((result) => result.status === 'pass')) return PASSED;
  if (results.every((result) => result.status === 'skip'))
    return { status: 'skip', reason: 'a condition anchor does not hold' };
  const failed = results.find((result) => result.status === 'fail');
  return {
    status: 'fail',
    message,
    ...(failed && failed.status === 'fail'
      ? { detail: `failed at path ${patternPath(failed.path)}: ${failed.detail}` }
      : {}),
  };
}

function patternValidation(patterns: readonly CompiledPattern[], message: string): Validation {
  return (subject) => patternOutcome(patterns, subject.object, message);
}

function guarded(run: () => RuleResult): RuleResult {
  try {
    return run();
  } catch (error) {
    if (error instanceof UnresolvedVariable || error instanceof UnsupportedJmesPath) {
      return { status: 'unproven', reason: error.message };
    }
    throw error;
  }
}

function denyValidation(conditions: unknown, message: string): Validation {
  const deny = compileConditions(conditions);
  return ({ scope }) => guarded(() => (deny(scope) ? { status: 'fail', message } : PASSED));
}

function foreachValidation(raw: unknown, message: string): Validation {
  if (!Array.isArray(raw)) throw new UnsupportedPattern('foreach is not a list');
  const loops = raw.map((entry) => {
    const loop = asRecord(entry);
    const unsupported = ['context', 'foreach'].filter((key) => loop[key] !== undefined);
    if (unsupported.length)
      throw new UnsupportedPattern(`a foreach with ${unsupported.join(' and ')} is not evaluated`);
    if (typeof loop.list !== 'string') throw new UnsupportedPattern('a foreach without a list');
    const list = compileJmesPath(loop.list);
    const preconditions = loop.preconditions !== undefined ? compileConditions(loop.preconditions) : undefined;
    const deny = loop.deny !== undefined ? compileConditions(asRecord(loop.deny).conditions) : undefined;
    const patterns =
      loop.pattern !== undefined
        ? [compilePattern(loop.pattern)]
        : Array.isArray(loop.anyPattern)
          ? loop.anyPattern.map(compilePattern)
          : undefined;
    if (!deny && !patterns) throw new UnsupportedPattern('a foreach without deny or pattern is not evaluated');
    return { list, preconditions, deny, patterns };
  });
  return ({ scope }) =>
    guarded(() => {
      for (const { list, preconditions, deny, patterns } of loops) {
        const elements = list.search(scope);
        if (elements === null) continue;
        if (!Array.isArray(elements))
          return { status: 'unproven', reason: `foreach list ${list.expression} is not a list` };
        for (const [index, element] of elements.entries()) {
          const inner = { ...scope, element, elementIndex: index };
          if (preconditions && !preconditions(inner)) continue;
          if (deny?.(inner)) return { status: 'fail', message, detail: `element ${index} of ${list.expression}` };
          if (patterns) {
            const result = patternOutcome(patterns, element, message);
            if (result.status === 'fail')
              return { ...result, detail: `element ${index} of ${list.expression}: ${result.detail ?? ''}` };
          }
        }
      }
      return { status: 'pass' };
    });
}

function podSecurityValidation(raw: Readonly<Record<string, unknown>>): Validation | { unproven: string } {
  const level = raw.level;
  if (typeof level !== 'string' || !(PSA_LEVELS as readonly string[]).includes(level)) {
    return { unproven: `podSecurity level ${String(level)} is not a Pod Security level` };
  }
  const versionText = typeof raw.version === 'string' ? raw.version : 'latest';
  const minor = /^v1\.(\d+)$/.exec(versionText)?.[1];
  if (versionText !== 'latest' && minor === undefined)
    return { unproven: `podSecurity version ${versionText} is not valid` };
  const version: PssVersion = minor === undefined ? 'latest' : Number(minor);
  const excludes = (Array.isArray(raw.exclude) ? raw.exclude : []).map((entry) => {
    const exclude = asRecord(entry);
    return {
      control: String(exclude.controlName),
      images: strings(exclude.images).map(compileWildcard),
      field: exclude.restrictedField,
    };
  });
  const byField = excludes.find((exclude) => exclude.field !== undefined);
  if (byField)
    return { unproven: `podSecurity exclusions by restrictedField (${String(byField.field)}) are not evaluated` };
  return (subject) => {
    const violations = podSecurityViolations(
      { metadata: subject.object.metadata, spec: subject.object.spec },
      level as PsaLevel,
      version,
    ).filter(
      (violation) =>
        !excludes.some((exclude) => {
          if (exclude.control !== PSS_CONTROL_NAMES[violation.check]) return false;
          // Kyverno: an exclusion without images covers the pod-level fields, one with images the matching containers'.
          if (!violation.container) return exclude.images.length === 0;
          return exclude.images.some((test) => test(violation.container?.image ?? ''));
        }),
    );
    if (!violations.length) return PASSED;
    return {
      status: 'fail',
      message: `Validation rule failed: ${violations.map((violation) => `${PSS_CONTROL_NAMES[violation.check]}: ${violation.detail}`).join('; ')}`,
      detail: `fails ${level}:${versionText}`,
    };
  };
}

function celValidation(raw: Readonly<Record<string, unknown>>): CompiledValidation | { unproven: string } {
  if (raw.paramKind !== undefined || raw.paramRef !== undefined)
    return { unproven: 'CEL rules with params are not evaluated' };
  // Kyverno's `cel` block is a ValidatingAdmissionPolicy body whose validations are called `expressions`.
  const body = compileBody({ variables: raw.variables, validations: raw.expressions }, []);
  const check: Validation = (subject) => {
    const result = runBodyOnce(
      body,
      {
        bindings: {
          object: subject.object,
          oldObject: subject.request.oldObject ?? null,
          namespaceObject: subject.namespaceObject?.object ?? null,
          request: requestVariable(subject.request, String(asRecord(subject.object.metadata).name ?? '')),
        },
        unknown: UNKNOWABLE,
      },
      subject.memo,
    );
    if (result.kind === 'skipped') return PASSED;
    for (const validation of result.results) {
      const index = validation.path.at(-1);
      if (validation.kind === 'unproven')
        return { status: 'unproven', reason: `expression ${index}: ${validation.reason}` };
      if (validation.kind === 'error')
        return { status: 'unproven', reason: `expression ${index}: ${validation.message}` };
      if (validation.kind === 'fail') return { status: 'fail', message: validation.message };
    }
    return PASSED;
  };
  return { check, reads: celReads(body) };
}

/** What a `cel` block reads of its subject: `object`, and its name through `request.name`; else undefined. */
function celReads(body: CelPolicyBody): Access | undefined {
  const roots = bodyAccess(body);
  if (!roots) return undefined;
  const reads = newAccess();
  for (const [name, access] of roots) {
    if (name === 'object') mergeAccess(reads, access);
    else if (name === 'request') {
      if (access.whole || access.fields.has('name')) fieldOf(fieldOf(reads, 'metadata'), 'name').whole = true;
    } else if (name === 'oldObject') return undefined;
  }
  return reads;
}

function compileRule(
  rawRule: unknown,
  index: number,
  spec: Readonly<Record<string, unknown>>,
  autogenControllers: readonly string[],
): CompiledRule {
  const rule = asRecord(rawRule);
  const name = typeof rule.name === 'string' ? rule.name : `#${index}`;
  const path: FieldPath = ['spec', 'rules', index];
  const match = compileBlock(rule.match, 'match');
  const exclude = compileBlock(rule.exclude, 'exclude');
  const validate = asRecord(rule.validate);
  const message = typeof validate.message === 'string' ? validate.message.trim() : `rule ${name} failed`;
  const podOnly = match.kinds.length > 0 && match.kinds.every((kind) => kind.split('/').pop() === 'Pod');
  const autogen = podOnly && !match.narrow && !exclude.narrow ? autogenControllers : [];
  const base = {
    name,
    path,
    match: match.test,
    exclude: exclude.empty ? () => NO : exclude.test,
    autogen,
    ...compileAction(spec, validate),
    narrow: match.narrow || exclude.narrow,
    // An unproven or inert rule's answer depends only on whether it matches.
    reads: newAccess() as Access | undefined,
    passes: new Map<string, PolicyOutcome>(),
  };
  const unproven = (reason: string): CompiledRule => ({ ...base, unproven: reason });
  if (rule.verifyImages !== undefined)
    return unproven(
      'image signature and attestation checks (verifyImages) are not evaluated: image signatures are unproven',
    );
  if (rule.mutate !== undefined)
    return unproven('a mutate rule changes the object before validation, and is not evaluated');
  if (rule.validate === undefined) return { ...base, inert: true };
  if (rule.context !== undefined)
    return unproven('the rule reads a context (API calls, ConfigMaps, image data) that is not evaluated');
  let preconditions: Conditions | undefined;
  try {
    preconditions = rule.preconditions !== undefined ? compileConditions(rule.preconditions) : undefined;
  } catch (error) {
    if (error instanceof UnsupportedJmesPath) return unproven(`preconditions: ${error.message}`);
    throw error;
  }
  const validation = compileValidation(validate, message);
  if ('unproven' in validation) return unproven(validation.unproven);
  // Preconditions and a message with variables read what no tree describes.
  const reads = preconditions || message.includes('{{') ? undefined : validation.reads;
  return { ...base, reads, ...(preconditions ? { preconditions } : {}), validate: validation.check };
}

function compilePolicy(policy: Resource): CompiledPolicy {
  const spec = asRecord(policy.object.spec);
  const label = `Kyverno ${policy.ref.kind} ${policy.ref.name}`;
  if (!Array.isArray(spec.rules)) return { rules: [], label, broken: 'the policy has no rules list' };
  const annotation = policy.annotations[AUTOGEN_ANNOTATION];
  const autogenControllers =
    annotation === undefined
      ? AUTOGEN_DEFAULT
      : annotation === 'none'
        ? []
        : annotation
            .split(',')
            .map((kind) => kind.trim())
            .filter(Boolean);
  return { label, rules: spec.rules.map((rule, index) => compileRule(rule, index, spec, autogenControllers)) };
}

function compiled(policy: Resource): CompiledPolicy {
  let entry = cache.get(policy);
  if (!entry) {
    entry = compilePolicy(policy);
    cache.set(policy, entry);
  }
  return entry;
}

/** The pod template of a controller, as the Pod autogen checks it. */
function templateAsPod(request: AdmissionRequest): Readonly<Record<string, unknown>> | undefined {
  const specPath = POD_SPEC_PATHS[request.kind.kind];
  if (!specPath || request.kind.kind === 'Pod') return undefined;
  let template: unknown = request.object;
  for (const key of specPath.slice(0, -1)) template = asRecord(template)[key];
  const { metadata, spec } = asRecord(template);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...asRecord(metadata), ...(request.namespace !== null ? { namespace: request.namespace } : {}) },
    spec: spec ?? {},
  };
}

/** What the engine reads from an inventory once: the policies, Kyverno's resource filters, the exceptions. */
interface Setup {
  readonly policies: readonly Resource[];
  /** Whether Kyverno's `resourceFilters` leave the request alone: its ConfigMap's, else the chart's defaults. */
  readonly filtered: (request: AdmissionRequest) => boolean;
  readonly exceptions: readonly CompiledException[];
  /** What the engine's answer can read of a request's object, per kind; undefined when that cannot be said. */
  readonly reads: ((kind: string) => Access) | undefined;
  /** The engine's outcomes per distinct request (`requestKey`). */
  readonly answers: Map<string, PolicyOutcome[]>;
}

interface CompiledException {
  readonly resource: Resource;
  /** `policy name` → rule names (autogen names included, as Kyverno writes them). */
  readonly rules: ReadonlyMap<string, readonly string[]>;
  readonly match: FilterTest;
  /** Its match reads names, labels or annotations. */
  readonly narrow: boolean;
  readonly conditions?: Conditions;
  /** Set when what it exempts cannot be evaluated. */
  readonly unproven?: string;
}

const setups = new WeakMap<Inventory, Setup>();

function setupOf(inventory: Inventory): Setup {
  let setup = setups.get(inventory);
  if (!setup) {
    const kyvernoObjects = (kind: string) =>
      inventory.ofKind(kind).filter((resource) => resource.ref.apiVersion.startsWith('kyverno.io/'));
    const policies = [...kyvernoObjects('ClusterPolicy'), ...kyvernoObjects('Policy')];
    const exceptions = kyvernoObjects('PolicyException').map(compileException);
    const namedFilters = inventory.ofKind('ConfigMap').some((map) => map.ref.name === 'kyverno');
    setup = {
      policies,
      filtered: resourceFilters(inventory),
      exceptions,
      reads: readsOf(policies, exceptions, namedFilters),
      answers: new Map(),
    };
    setups.set(inventory, setup);
  }
  return setup;
}

/**
 * What the engine's answer can depend on besides the request's kind, resource, operation and namespace: what each
 * rule's validation reads of its subject (the object, or under autogen its pod template as a Pod), names, labels and
 * annotations where a match, exclude or exception reads them, the name where resource filters may. Undefined when a
 * rule or exception reads what no tree describes.
 */
function readsOf(
  policies: readonly Resource[],
  exceptions: readonly CompiledException[],
  namedFilters: boolean,
): Setup['reads'] {
  const subject = newAccess();
  let narrow = exceptions.some((exception) => exception.narrow);
  if (exceptions.some((exception) => exception.conditions)) return undefined;
  for (const policy of policies) {
    for (const rule of compiled(policy).rules) {
      if (!rule.reads) return undefined;
      mergeAccess(subject, rule.reads);
      narrow ||= rule.narrow;
    }
  }
  const metadata = fieldOf(subject, 'metadata');
  if (narrow) for (const field of ['name', 'labels', 'annotations']) fieldOf(metadata, field).whole = true;
  const byKind = new Map<string, Access>();
  return (kind) => {
    let reads = byKind.get(kind);
    if (!reads) {
      reads = newAccess();
      mergeAccess(reads, subject);
      // Under autogen the subject is the template: its spec and metadata, where the kind keeps them.
      const specPath = POD_SPEC_PATHS[kind];
      if (specPath && kind !== 'Pod') {
        const at = (path: FieldPath) => path.reduce<Access>((node, key) => fieldOf(node, String(key)), reads as Access);
        const parts: [string, FieldPath][] = [
          ['spec', specPath],
          ['metadata', [...specPath.slice(0, -1), 'metadata']],
        ];
        for (const [part, path] of parts) {
          const read = subject.fields.get(part);
          if (read) mergeAccess(at(path), read);
          if (subject.whole) at(path).whole = true;
        }
      }
      if (namedFilters) fieldOf(fieldOf(reads, 'metadata'), 'name').whole = true;
      byKind.set(kind, reads);
    }
    return reads;
  };
}

function resourceFilters(inventory: Inventory): Setup['filtered'] {
  const config = inventory
    .ofKind('ConfigMap')
    .find((map) => map.ref.name === 'kyverno' && typeof asRecord(map.object.data).resourceFilters === 'string');
  if (!config) {
    return (request) => request.namespace !== null && DEFAULT_FILTERED_NAMESPACES.includes(request.namespace);
  }
  const filters = [...String(asRecord(config.object.data).resourceFilters).matchAll(/\[([^\]]*)\]/g)].map(
    ([, body = '']) => {
      const [kind = '*', namespace = '*', name = '*'] = body.split(',').map((part) => part.trim());
      return {
        kind: compileWildcard(kind.split('/').pop() ?? kind),
        namespace: compileWildcard(namespace),
        name: compileWildcard(name),
      };
    },
  );
  return (request) => {
    const name = asRecord(request.object.metadata).name;
    return filters.some(
      (filter) =>
        filter.kind(request.kind.kind) &&
        filter.namespace(request.namespace ?? '') &&
        filter.name(typeof name === 'string' ? name : ''),
    );
  };
}

function compileException(resource: Resource): CompiledException {
  const spec = asRecord(resource.object.spec);
  const rules = new Map<string, string[]>();
  for (const entry of Array.isArray(spec.exceptions) ? spec.exceptions : []) {
    const { policyName, ruleNames } = asRecord(entry);
    if (typeof policyName === 'string') rules.set(policyName, strings(ruleNames));
  }
  const { test, narrow } = compileBlock(spec.match, 'match');
  const base = { resource, rules, match: test, narrow };
  if (spec.podSecurity !== undefined) {
    return { ...base, unproven: 'its podSecurity control exemptions are not evaluated' };
  }
  try {
    return { ...base, ...(spec.conditions !== undefined ? { conditions: compileConditions(spec.conditions) } : {}) };
  } catch (error) {
    if (error instanceof UnsupportedJmesPath) return { ...base, unproven: `its conditions: ${error.message}` };
    throw error;
  }
}

/** The PolicyException that exempts the subject from a rule, if one does (or may). */
function exceptionFor(
  exceptions: readonly CompiledException[],
  policy: Resource,
  ruleName: string,
  subject: Subject,
  scope: VariableScope,
): RuleResult | undefined {
  // Kyverno names a policy by name for a ClusterPolicy and by namespace/name for a Policy.
  const policyName = policy.ref.kind === 'Policy' ? `${policy.ref.namespace}/${policy.ref.name}` : policy.ref.name;
  for (const exception of exceptions) {
    const names = exception.rules.get(policyName);
    if (!names?.includes(ruleName)) continue;
    const matched = exception.match(subject);
    if ('value' in matched && !matched.value) continue;
    const label = `PolicyException ${exception.resource.ref.namespace ?? ''}/${exception.resource.ref.name}`;
    const doubt = 'unproven' in matched ? matched.unproven : exception.unproven;
    if (doubt) return { status: 'unproven', reason: `${label} may exempt the request: ${doubt}` };
    const conditions = exception.conditions;
    if (conditions) {
      const held = guarded(() => (conditions(scope) ? { status: 'pass' } : { status: 'skip' }));
      if (held.status === 'unproven')
        return { status: 'unproven', reason: `${label} may exempt the request: ${held.reason}` };
      if (held.status !== 'pass') continue;
    }
    return { status: 'skip', reason: `exempted by ${label}` };
  }
  return undefined;
}

function ruleResult(
  rule: CompiledRule,
  subject: Subject,
  policy: Resource,
  exceptions: readonly CompiledException[],
): RuleResult | undefined {
  if (rule.inert) return undefined;
  const matched = rule.match(subject);
  if ('value' in matched && !matched.value) return undefined;
  const excluded = rule.exclude(subject);
  if ('value' in excluded && excluded.value) return undefined;
  const doubt = 'unproven' in matched ? matched.unproven : 'unproven' in excluded ? excluded.unproven : undefined;
  if (doubt) return { status: 'unproven', reason: doubt };
  if (rule.unproven) return { status: 'unproven', reason: rule.unproven };
  const { scope } = subject;
  const ruleName = subject.autogen ? autogenName(rule.name, subject.autogen) : rule.name;
  const exempted = exceptions.length ? exceptionFor(exceptions, policy, ruleName, subject, scope) : undefined;
  if (exempted) return exempted;
  if (rule.preconditions) {
    const preconditions = rule.preconditions;
    const held = guarded(() =>
      preconditions(scope) ? PASSED : { status: 'skip', reason: 'preconditions do not hold' },
    );
    if (held.status !== 'pass') return held;
  }
  const result = rule.validate?.(subject);
  return result?.status === 'fail' ? { ...result, message: rendered(result.message, scope) } : result;
}

/** A message with its `{{ … }}` variables filled in where they resolve; as written where they do not. */
function rendered(message: string, scope: VariableScope): string {
  if (!message.includes('{{')) return message;
  try {
    return String(compileTemplate(message)(scope));
  } catch {
    return message;
  }
}

/** The name Kyverno gives a rule it generates for a controller. */
function autogenName(rule: string, controller: string): string {
  return `${controller === 'CronJob' ? 'autogen-cronjob' : 'autogen'}-${rule}`;
}

function subjectOf(
  request: AdmissionRequest,
  object: Readonly<Record<string, unknown>>,
  namespaceObject: Resource | undefined,
  memo: BodyMemo,
  autogen?: string,
): Subject {
  return {
    request,
    memo,
    object,
    kind: autogen ? 'Pod' : request.kind.kind,
    namespaceObject,
    ...(autogen ? { autogen } : {}),
    scope: {
      request: {
        object,
        operation: request.operation,
        namespace: request.namespace,
        ...(request.oldObject ? { oldObject: request.oldObject } : {}),
      },
    },
  };
}

/** Without policies of its kind, an engine answers nothing: it neither denies nor warns. */
const hasPolicies = (inventory: Inventory) => setupOf(inventory).policies.length > 0;

export const kyverno: AdmissionEngine = {
  id: 'kyverno',
  evaluate(request, inventory, answering: Answering = 'all') {
    const { policies, reads, answers } = setupOf(inventory);
    if (!policies.length) return [];
    const key = reads && requestKey(request, reads(request.kind.kind), NOTHING, answering);
    if (key === undefined) return evaluateAll(request, inventory, answering);
    let outcomes = answers.get(key);
    if (!outcomes) {
      outcomes = evaluateAll(request, inventory, answering);
      answers.set(key, outcomes);
    }
    return outcomes;
  },
  mayDeny: hasPolicies,
  mayAnswer: hasPolicies,
  dependsOn: (inventory) => {
    const { policies, exceptions } = setupOf(inventory);
    const config = inventory.ofKind('ConfigMap').filter((map) => map.ref.name === 'kyverno');
    return [...policies, ...exceptions.map(({ resource }) => resource), ...config]
      .map((resource): unknown => resource.object)
      .concat([DEFAULT_FILTERED_NAMESPACES]);
  },
};

/** Kyverno reads no old object where it can say what it reads (templated messages and conditions can). */
const NOTHING = newAccess();

function evaluateAll(request: AdmissionRequest, inventory: Inventory, answering: Answering): PolicyOutcome[] {
  const { policies, filtered, exceptions } = setupOf(inventory);
  if (filtered(request)) return [];
  const namespaceObject = request.namespace === null ? undefined : inventory.find('Namespace', null, request.namespace);
  const memo = bodyMemo(inventory);
  const direct = subjectOf(request, request.object, namespaceObject, memo);
  let viaTemplate: Subject | undefined;
  const outcomes: PolicyOutcome[] = [];
  for (const policy of policies) {
    // A namespaced Policy applies only to requests in its own namespace.
    if (policy.ref.kind === 'Policy' && policy.ref.namespace !== request.namespace) continue;
    if (asRecord(policy.object.spec).admission === false) continue;
    const { rules, broken, label } = compiled(policy);
    if (broken) {
      if (answering === 'deny') continue;
      outcomes.push({ engine: 'kyverno', policy, path: ['spec'], name: label, outcome: 'unproven', reason: broken });
      continue;
    }
    for (const rule of rules) {
      if (answering === 'deny' && !rule.mayEnforce) continue;
      let subject = direct;
      let result = ruleResult(rule, direct, policy, exceptions);
      if (result === undefined && rule.autogen.includes(request.kind.kind)) {
        if (!viaTemplate) {
          const asPod = templateAsPod(request);
          if (!asPod) continue;
          viaTemplate = subjectOf(request, asPod, namespaceObject, memo, request.kind.kind);
        }
        subject = viaTemplate;
        result = ruleResult(rule, subject, policy, exceptions);
      }
      if (result) outcomes.push(outcomeOf(policy, label, rule, subject, result));
    }
  }
  return outcomes;
}

function outcomeOf(
  policy: Resource,
  label: string,
  rule: CompiledRule,
  subject: Subject,
  result: RuleResult,
): PolicyOutcome {
  // Most rules pass (or skip) most requests, for a handful of reasons: their outcome is the same object every time.
  const passing = result.status === 'pass' || result.status === 'skip';
  const variant = passing ? `${subject.autogen ?? ''}\u0000${result.reason ?? ''}` : '';
  const cached = passing ? rule.passes.get(variant) : undefined;
  if (cached) return cached;
  const name = `${label} rule ${subject.autogen ? autogenName(rule.name, subject.autogen) : rule.name}`;
  const base = { engine: 'kyverno' as const, policy, path: rule.path, name };
  if (result.status === 'fail') {
    const action = rule.action(subject.request.namespace, subject.namespaceObject);
    return {
      ...base,
      outcome: action === 'enforce' ? 'deny' : 'audit',
      message: `validation error: ${result.message.replace(/\.$/, '')}. rule ${rule.name} failed${result.detail ? `: ${result.detail}` : ''}`,
      reason:
        action === 'enforce'
          ? 'the policy enforces: Kyverno rejects the request'
          : 'the policy audits: Kyverno admits the request and records it in a policy report',
    };
  }
  if (result.status === 'unproven') return { ...base, outcome: 'unproven', reason: result.reason };
  const outcome: PolicyOutcome = { ...base, outcome: 'pass', ...(result.reason ? { reason: result.reason } : {}) };
  // Bounded: a reason may name something of the request.
  if (rule.passes.size < 64) rule.passes.set(variant, outcome);
  return outcome;
}
