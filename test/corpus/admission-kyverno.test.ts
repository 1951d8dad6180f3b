import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { inventoryOf, requestFor } from '../../src/admission/engines/engines.fixtures.js';
import { kyverno } from '../../src/admission/engines/kyverno.js';
import type { Inventory } from '../../src/inventory/index.js';
import { describeShared, sharedDir } from '../paths.js';

/**
 * Kyverno's own pod-security policy sets, each with its upstream test cases: the `kyverno test` results
 * (`.kyverno-test`: each resource's pass/fail per rule) and the chainsaw end-to-end cases (`.chainsaw-test`: with the
 * policy switched to Enforce, every good Pod and controller is admitted, every bad one rejected). The engine must
 * reach upstream's verdict on every case but those listed in KNOWN, each with why.
 */

const corpus = path.join(sharedDir, 'corpora/admission/kyverno');
const SETS = ['pod-security', 'pod-security-cel'];

/**
 * Policies whose cases the engine answers `unproven` (never a wrong verdict), by `set/policy-dir`, with why. All of
 * them use CEL's optional field selection (`object.spec.?securityContext.orValue({})`), which the CEL evaluator of
 * src/admission/cel.ts does not parse yet: once it does, their cases count among the matched ones.
 */
const OPTIONAL_SYNTAX = 'CEL optional field selection (`.?field`, `orValue`) is not parsed by src/admission/cel.ts';
const KNOWN_UNPROVEN: Readonly<Record<string, string>> = {
  'pod-security-cel/baseline/disallow-capabilities': OPTIONAL_SYNTAX,
  'pod-security-cel/baseline/disallow-host-namespaces': OPTIONAL_SYNTAX,
  'pod-security-cel/baseline/disallow-host-path': OPTIONAL_SYNTAX,
  'pod-security-cel/baseline/disallow-host-ports': OPTIONAL_SYNTAX,
  'pod-security-cel/baseline/disallow-host-ports-range': OPTIONAL_SYNTAX,
  'pod-security-cel/baseline/disallow-host-process': OPTIONAL_SYNTAX,
  'pod-security-cel/baseline/disallow-privileged-containers': OPTIONAL_SYNTAX,
  'pod-security-cel/baseline/disallow-proc-mount': OPTIONAL_SYNTAX,
  'pod-security-cel/baseline/restrict-seccomp': OPTIONAL_SYNTAX,
  'pod-security-cel/baseline/restrict-sysctls': OPTIONAL_SYNTAX,
  'pod-security-cel/restricted/disallow-privilege-escalation': OPTIONAL_SYNTAX,
  'pod-security-cel/restricted/require-run-as-nonroot': OPTIONAL_SYNTAX,
  'pod-security-cel/restricted/restrict-seccomp-strict': OPTIONAL_SYNTAX,
};

interface Case {
  readonly id: string;
  /** `set/policy-dir`. */
  readonly policy: string;
  readonly expected: 'pass' | 'fail' | 'skip';
  readonly actual: string;
}

function policyDirs(root: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = path.join(root, entry.name);
    if (existsSync(path.join(dir, '.kyverno-test')) || existsSync(path.join(dir, '.chainsaw-test'))) found.push(dir);
    else found.push(...policyDirs(dir));
  }
  return found;
}

function documents(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => document.toJSON() as unknown)
    .filter((value): value is Record<string, unknown> => value !== null && typeof value === 'object');
}

const policyFile = (dir: string) => path.join(dir, `${path.basename(dir)}.yaml`);

/** The engine's verdict for one rule (or every rule, for chainsaw) of the policy on one object. */
function verdict(inventory: Inventory, object: Record<string, unknown>, rule?: string): string {
  const outcomes = kyverno
    .evaluate(requestFor(object, 'default'), inventory)
    .filter((outcome) => rule === undefined || outcome.path.join('.') === ruleIndex(inventory, rule));
  if (outcomes.some((outcome) => outcome.outcome === 'unproven')) {
    return `unproven: ${outcomes.find((outcome) => outcome.outcome === 'unproven')?.reason}`;
  }
  if (outcomes.some((outcome) => outcome.outcome === 'deny' || outcome.outcome === 'audit')) return 'fail';
  return 'pass';
}

function ruleIndex(inventory: Inventory, rule: string): string {
  const [policy] = inventory.ofKind('ClusterPolicy');
  const rules = (policy?.object.spec as { rules?: { name: string }[] } | undefined)?.rules ?? [];
  return `spec.rules.${rules.findIndex((candidate) => candidate.name === rule)}`;
}

function kyvernoTestCases(set: string, dir: string): Case[] {
  const testFile = path.join(dir, '.kyverno-test/kyverno-test.yaml');
  if (!existsSync(testFile)) return [];
  const [test] = documents(testFile) as {
    results: { kind: string; rule?: string; result: string; resources: string[] }[];
  }[];
  const inventory = inventoryOf(readFileSync(policyFile(dir), 'utf8'), policyFile(dir));
  const resources = documents(path.join(dir, '.kyverno-test/resource.yaml'));
  const cases: Case[] = [];
  for (const result of test?.results ?? []) {
    for (const name of result.resources) {
      const object = resources.find(
        (resource) => resource.kind === result.kind && (resource.metadata as { name?: string })?.name === name,
      );
      if (!object) throw new Error(`${dir}: ${result.kind} ${name} not in resource.yaml`);
      const expected = result.result.trim() as Case['expected'];
      const actual = verdict(inventory, object, result.rule);
      cases.push({
        id: `${set}/${path.relative(path.join(corpus, set), dir)} kyverno-test ${result.kind}/${name}`,
        policy: `${set}/${path.relative(path.join(corpus, set), dir)}`,
        expected,
        actual: expected === 'skip' && actual === 'pass' ? 'skip' : actual,
      });
    }
  }
  return cases;
}

function chainsawCases(set: string, dir: string): Case[] {
  const folder = path.join(dir, '.chainsaw-test');
  if (!existsSync(folder)) return [];
  // The chainsaw test patches the policy to Enforce before applying its objects.
  const [policy] = documents(policyFile(dir));
  const spec = policy?.spec as Record<string, unknown>;
  const enforced = { ...policy, spec: { ...spec, validationFailureAction: 'Enforce' } };
  const inventory = inventoryOf(JSON.stringify(enforced), policyFile(dir));
  const cases: Case[] = [];
  for (const file of ['pod-good.yaml', 'pod-bad.yaml', 'podcontroller-good.yaml', 'podcontroller-bad.yaml']) {
    if (!existsSync(path.join(folder, file))) continue;
    for (const object of documents(path.join(folder, file))) {
      const name = (object.metadata as { name?: string })?.name;
      cases.push({
        id: `${set}/${path.relative(path.join(corpus, set), dir)} chainsaw ${file} ${object.kind}/${name}`,
        policy: `${set}/${path.relative(path.join(corpus, set), dir)}`,
        expected: file.includes('bad') ? 'fail' : 'pass',
        actual: verdict(inventory, object),
      });
    }
  }
  return cases;
}

describeShared('Kyverno pod-security policies against their upstream tests', () => {
  const cases = SETS.flatMap((set) =>
    policyDirs(path.join(corpus, set)).flatMap((dir) => [...kyvernoTestCases(set, dir), ...chainsawCases(set, dir)]),
  );

  it('reaches upstream’s verdict on every case, or says unproven for a known reason, never the wrong verdict', () => {
    const matched = cases.filter((c) => c.expected === c.actual).length;
    const unproven = cases.filter((c) => c.actual.startsWith('unproven'));
    console.info(
      `Kyverno corpus: ${matched} of ${cases.length} cases match upstream; ${unproven.length} unproven (${[
        ...new Set(unproven.map((c) => KNOWN_UNPROVEN[c.policy] ?? 'unexpected')),
      ].join('; ')})`,
    );
    const wrong = cases.filter(
      (c) => c.expected !== c.actual && !(c.actual.startsWith('unproven') && KNOWN_UNPROVEN[c.policy]),
    );
    expect(wrong.map((c) => `${c.id}: expected ${c.expected}, got ${c.actual}`)).toEqual([]);
    expect(cases.length).toBeGreaterThan(4000);
    // Every policy without CEL's optional syntax is matched case for case.
    expect(matched).toBeGreaterThanOrEqual(2999);
  });
});
