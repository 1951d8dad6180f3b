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
 * Cases where the engine's verdict differs from upstream's, by case id, with why. Each is a stricter verdict, never a
 * laxer one: an object kubematrix would reject that the cluster admits.
 */
const ZERO_DROPPED =
  'the API server drops `hostPort: 0` (an omitted int32) before admission sees the Pod; the engine sees the field as written';
const KNOWN_DIFFERENT: Readonly<Record<string, string>> = {
  'pod-security-cel/baseline/disallow-host-ports-range chainsaw pod-good.yaml Pod/goodpod11': ZERO_DROPPED,
  'pod-security-cel/baseline/disallow-host-ports-range chainsaw podcontroller-good.yaml Deployment/gooddeployment11':
    ZERO_DROPPED,
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

  it('reaches upstream’s verdict on every case but the known stricter ones', () => {
    const matched = cases.filter((c) => c.expected === c.actual).length;
    console.info(`Kyverno corpus: ${matched} of ${cases.length} cases match upstream`);
    const different = cases.filter((c) => c.expected !== c.actual);
    expect(different.map((c) => `${c.id}: expected ${c.expected}, got ${c.actual}`)).toEqual(
      Object.keys(KNOWN_DIFFERENT).map((id) => `${id}: expected pass, got fail`),
    );
    expect(cases.length).toBeGreaterThan(4000);
  });
});
