import { compileCel } from '../admission/cel.js';
import { type CelPolicyBody, compileBody, requestVariable, runBody } from '../admission/engines/cel-policy.js';
import { admissionRequest } from '../admission/index.js';
import type { AnyCheck } from '../checks/define.js';
import { defineCheck } from '../checks/define.js';
import { ConfigError, type RuleFile, type RuleSpec } from '../config/index.js';
import { type FieldPath, formatPath } from '../inputs/path.js';
import type { Inventory, Resource } from '../inventory/index.js';
import { selects } from '../k8s/selectors.js';
import { getMitigation, getTechnique, lookup, mitigations, techniques } from '../matrix/index.js';
import type { MitigationId, TechniqueId } from '../matrix/types.js';
import type { Evidence, SourceLocation } from '../model/report.js';
import { closest, globMatch } from '../util/text.js';

/**
 * Custom checks written in CEL (docs/rules.md): each rule becomes a check like the built-in ones, so that its
 * findings are located, suppressed, reported in every format and explained the same way. Everything that can be
 * wrong with a rule before it meets an object (an unknown technique, an id taken, an expression that does not
 * compile or reads a variable a rule does not have) is found when the rules are loaded, each at its line.
 */

/** The variables a rule's expressions read, as a ValidatingAdmissionPolicy's (`params` aside: a rule has none). */
const VARIABLES = new Set(['object', 'oldObject', 'request', 'namespaceObject', 'variables']);

/** Reads a scan cannot answer: refused when the rules are loaded rather than answered `unknown` on every object. */
const REFUSED: ReadonlyMap<string, string> = new Map([
  ['params', 'a rule takes no params: write the values into the expression, or use variables'],
  ['authorizer', 'what the requesting user may do is unknown to a scan'],
  ['request.userInfo', 'the requesting user is unknown to a scan'],
]);

/**
 * The rules of every file as checks, in the order given; `taken` are the ids of built-in checks and detections.
 * Throws a ConfigError listing every problem found, each at its `file:line:column`.
 */
export function compileRules(files: readonly RuleFile[], taken: ReadonlySet<string>): AnyCheck[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const checks: AnyCheck[] = [];
  for (const file of files) {
    for (const [index, spec] of file.rules.entries()) {
      const base: FieldPath = ['rules', index];
      const problem = (path: FieldPath, message: string) => {
        const { line, column } = file.locate([...base, ...path]);
        problems.push(`${file.file}:${line}:${column}: ${formatPath([...base, ...path])}: ${message}`);
      };
      const at = file.locate(base);
      if (taken.has(spec.id))
        problem(['id'], `'${spec.id}' is the id of a built-in check or detection: choose another`);
      const earlier = seen.get(spec.id);
      if (earlier) problem(['id'], `'${spec.id}' is already the id of the rule at ${earlier}`);
      seen.set(spec.id, `${at.file}:${at.line}`);
      for (const [i, id] of spec.techniques.entries()) {
        if (!getTechnique(id)) problem(['techniques', i], unknownId('technique', id));
      }
      for (const [i, id] of spec.mitigations.entries()) {
        if (!getMitigation(id)) problem(['mitigations', i], unknownId('mitigation', id));
      }
      const declared = new Set(spec.variables.map((variable) => variable.name));
      const expression = (path: FieldPath, text: string) => {
        const why = expressionProblem(text, declared);
        if (why) problem(path, why);
      };
      for (const [i, variable] of spec.variables.entries())
        expression(['variables', i, 'expression'], variable.expression);
      for (const [i, validation] of spec.validations.entries()) {
        expression(['validations', i, 'expression'], validation.expression);
        if (validation.messageExpression !== undefined)
          expression(['validations', i, 'messageExpression'], validation.messageExpression);
      }
      if (!problems.length) checks.push(ruleCheck(spec, file, base, at));
    }
  }
  if (problems.length) throw new ConfigError(`invalid rules:\n  ${problems.join('\n  ')}`);
  return checks;
}

/** Why an id names nothing in the knowledge base, with the nearest ids. */
function unknownId(type: 'technique' | 'mitigation', id: string): string {
  const ids = (type === 'technique' ? techniques : mitigations).map((entry) => entry.id as string);
  const byName = lookup(id)
    .filter((match) => match.type === type)
    .map((match) => match.entry.id);
  const near = [...new Set([...closest(id, ids), ...byName])].slice(0, 5);
  return `'${id}' is no ${type} of the Threat Matrix for Kubernetes${near.length ? ` (closest: ${near.join(', ')})` : ''}; 'kubematrix matrix' lists them`;
}

/** What is wrong with an expression before it meets an object; undefined when nothing is. */
function expressionProblem(text: string, declared: ReadonlySet<string>): string | undefined {
  const program = compileCel(text);
  if ('error' in program) {
    return program.unsupported
      ? `${program.error}: a rule must be evaluable by kubematrix`
      : `the expression does not compile${positioned(program.error)}`;
  }
  for (const read of program.reads) {
    const refused = REFUSED.get(read);
    if (refused) return `reads ${read}: ${refused}`;
    const [root = '', field] = read.split('.');
    if (!read.includes('.') && !VARIABLES.has(root))
      return `reads '${root}', which is not a variable of a rule (object, oldObject, request, namespaceObject, variables)`;
    if (root === 'variables' && field !== undefined && !declared.has(field))
      return `reads variables.${field}, which the rule does not declare under variables`;
  }
  return undefined;
}

/** `<input>:1:23: found …` → ` at column 23: found …`: the position is in the expression, not in the file. */
function positioned(error: string): string {
  const at = /^<input>:(\d+):(\d+):\s*/.exec(error);
  if (!at) return `: ${error}`;
  const [whole, line, column] = at;
  return ` at ${line === '1' ? '' : `line ${line}, `}column ${column}: ${error.slice(whole.length)}`;
}

function ruleCheck(spec: RuleSpec, file: RuleFile, base: FieldPath, at: SourceLocation): AnyCheck {
  const body = compileBody({ variables: spec.variables, validations: spec.validations }, base);
  const kinds = new Set(spec.match.kinds);
  const matches = (resource: Resource) =>
    (kinds.has('*') || kinds.has(resource.ref.kind)) &&
    (!spec.match.namespaces ||
      (typeof resource.ref.namespace === 'string' &&
        spec.match.namespaces.some((pattern) => globMatch(pattern, resource.ref.namespace as string)))) &&
    (!spec.match.labelSelector || selects(spec.match.labelSelector, resource.labels));
  return defineCheck({
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    exposes: spec.techniques as TechniqueId[],
    missing: spec.mitigations as MitigationId[],
    description: spec.description ?? spec.title,
    rationale: spec.rationale ?? `A rule of this organization, defined in ${at.file}:${at.line}.`,
    remediation: spec.remediation ?? "Change the object so that the rule's validations hold.",
    definedAt: at,
    run({ inventory, report, error }) {
      for (const resource of inventory.resources) {
        if (!matches(resource)) continue;
        const failed = evaluate(body, resource, inventory, file, (path, message) =>
          error(resource, [], `rule ${spec.id} ${formatPath(path.slice(2))} (${where(file, path)}) ${message}`),
        );
        if (!failed.length) continue;
        report({
          resource,
          message: failed.map(({ message }) => message).join('; '),
          evidence: failed.map(({ evidence }) => evidence),
        });
      }
    },
  });
}

const where = (file: RuleFile, path: FieldPath) => {
  const { line, column } = file.locate(path);
  return `${file.file}:${line}:${column}`;
};

/** The validations the object fails; one that cannot be evaluated on it is an error of that object, via `fail`. */
function evaluate(
  body: CelPolicyBody,
  resource: Resource,
  inventory: Inventory,
  file: RuleFile,
  fail: (path: FieldPath, message: string) => void,
): { message: string; evidence: Evidence }[] {
  const request = admissionRequest(resource.object, resource.ref.namespace ?? null);
  const namespace =
    resource.ref.kind === 'Namespace'
      ? resource
      : resource.ref.namespace
        ? inventory.find('Namespace', null, resource.ref.namespace)
        : undefined;
  const result = runBody(body, {
    bindings: {
      object: request.object,
      oldObject: null,
      request: requestVariable(request, resource.ref.name),
      // The namespace as the input defines it; null when it does not (docs/rules.md).
      namespaceObject: namespace?.object ?? null,
    },
    unknown: new Map(),
  });
  if (result.kind === 'skipped') return [];
  const failed: { message: string; evidence: Evidence }[] = [];
  for (const [index, validation] of result.results.entries()) {
    const { path } = validation;
    if (validation.kind === 'error') fail(path, `failed on this object, which it did not check: ${validation.message}`);
    else if (validation.kind === 'unproven')
      fail(path, `could not be evaluated on this object, which it did not check: ${validation.reason}`);
    else if (validation.kind === 'fail') {
      const location = file.locate([...path, 'expression']);
      const source = body.validations[index]?.expression.source.trim() ?? '';
      failed.push({
        message: validation.message,
        evidence: { type: 'rule', location, path: formatPath(path), text: `validation is false: ${source}` },
      });
    }
  }
  return failed;
}
