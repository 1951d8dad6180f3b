/** Test support for check authors (RuleTester-style tables); excluded from the published build by tsconfig.build.json. */
import { describe, expect, it } from 'vitest';
import { Config } from '../config/index.js';
import { analyze } from '../engine/analyze.js';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory } from '../inventory/index.js';
import type { MitigationId, TechniqueId } from '../matrix/types.js';
import type { Evidence, Finding, ScanError, Severity } from '../model/report.js';
import { applyReplacements, planEdits } from '../util/yaml-edit.js';
import type { AnyCheck } from './define.js';

export interface ExpectedFinding {
  line: number;
  column?: number;
  /** Exact techniques the finding names as exposed (defaults to not asserted). */
  techniques?: readonly TechniqueId[];
  mitigations?: readonly MitigationId[];
  severity?: Severity;
  path?: string;
  message?: string | RegExp;
  /** Exact evidence, in order: its type and line (no line for evidence from no file, such as a built-in role). */
  evidence?: readonly { type: Evidence['type']; line?: number }[];
  /** Whether the finding carries a fix (defaults to not asserted): decoys say where no fix is safe. */
  fixed?: boolean;
}

export interface CheckCase {
  name: string;
  /** One or more YAML documents, as a user would write them. */
  yaml: string;
  options?: unknown;
  /** Input errors the check reports (objects it cannot read), in order: line and message. None by default. */
  errors?: readonly { line: number; message: string | RegExp }[];
}

/** A manifest whose findings all carry a fix, and the manifest `fix --write` makes of it (ESLint's `output`). */
export interface OutputCase extends CheckCase {
  output: string;
}

export interface CheckTable {
  valid: readonly CheckCase[];
  invalid: readonly (CheckCase & { findings: readonly ExpectedFinding[] })[];
  /** Required of a `fixable` check, refused of any other. */
  output?: readonly OutputCase[];
}

/** The manifest with every finding's fix made in its text, as `fix --write` makes them. */
export function applyFixes(yaml: string, findings: readonly Finding[]): string {
  const edits = findings.map((finding) => {
    if (!finding.fix || !finding.location) throw new Error(`finding without a fix: ${finding.message}`);
    return {
      line: finding.location.line,
      kind: finding.resource.kind,
      name: finding.resource.name,
      operations: finding.fix,
    };
  });
  const { replacements, errors } = planEdits(yaml, edits);
  if (errors.length) throw new Error(`fixes not made: ${JSON.stringify(errors.map((error) => error.message))}`);
  return applyReplacements(yaml, replacements);
}

/** Runs one check over a manifest through the real parser and inventory, as `kubematrix scan` would. */
export function runCheck(check: AnyCheck, yaml: string, options?: unknown): Finding[] {
  const { findings, errors } = runCheckWithErrors(check, yaml, options);
  if (errors.length) throw new Error(`check reported input errors: ${JSON.stringify(errors)}`);
  return findings;
}

/** {@link runCheck}, returning the input errors the check reports instead of failing on them. */
export function runCheckWithErrors(
  check: AnyCheck,
  yaml: string,
  options?: unknown,
): { findings: Finding[]; errors: ScanError[] } {
  const parsed = parseManifest('test.yaml', Buffer.from(yaml));
  if (parsed.errors.length) throw new Error(`test manifest does not parse: ${JSON.stringify(parsed.errors)}`);
  const { inventory, errors } = buildInventory(parsed.objects);
  if (errors.length) throw new Error(`test manifest is not a valid workload: ${JSON.stringify(errors)}`);
  const config = Config.parse(options === undefined ? {} : { checks: { [check.id]: { options } } });
  const analysis = analyze(inventory, { checks: [check], config });
  const configErrors = analysis.errors.filter(
    (error) => error.source === 'config' || error.source.startsWith('check '),
  );
  if (configErrors.length) throw new Error(`bad options or a failing check: ${JSON.stringify(configErrors)}`);
  return {
    findings: analysis.findings.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0)),
    errors: analysis.errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
  };
}

/**
 * ESLint RuleTester, for checks: `valid` manifests produce no finding; each `invalid` manifest produces exactly
 * the listed findings, in line order, at the listed line (and column, techniques, … where given).
 */
export function testCheck(check: AnyCheck, table: CheckTable): void {
  describe(check.id, () => {
    it('has no duplicate cases and every invalid case expects a finding', () => {
      const sources = [...table.valid, ...table.invalid].map((c) => c.yaml + JSON.stringify(c.options ?? null));
      expect(new Set(sources).size).toBe(sources.length);
      for (const invalid of table.invalid) expect(invalid.findings.length).toBeGreaterThan(0);
      expect(table.valid.length).toBeGreaterThan(0);
      expect(table.invalid.length).toBeGreaterThan(0);
      // A fixable check shows what its fixes write; any other has none to show.
      expect(table.output?.length ?? 0, 'output cases').toBe(
        check.fixable ? Math.max(table.output?.length ?? 0, 1) : 0,
      );
    });

    for (const valid of table.valid) {
      it(`valid: ${valid.name}`, () => {
        const { findings, errors } = runCheckWithErrors(check, valid.yaml, valid.options);
        expect(findings.map(summarize)).toEqual([]);
        expectErrors(errors, valid.errors);
      });
    }

    for (const invalid of table.invalid) {
      it(`invalid: ${invalid.name}`, () => {
        const { findings, errors } = runCheckWithErrors(check, invalid.yaml, invalid.options);
        expectErrors(errors, invalid.errors);
        expect(findings.map(summarize)).toHaveLength(invalid.findings.length);
        invalid.findings.forEach((expected, index) => {
          const finding = findings[index] as Finding;
          expect(finding.location?.line, `finding ${index} line`).toBe(expected.line);
          if (expected.column !== undefined)
            expect(finding.location?.column, `finding ${index} column`).toBe(expected.column);
          if (expected.techniques) expect(finding.techniques).toEqual(expected.techniques);
          if (expected.mitigations) expect(finding.mitigations).toEqual(expected.mitigations);
          if (expected.severity) expect(finding.severity).toBe(expected.severity);
          if (expected.path) expect(finding.path).toBe(expected.path);
          if (expected.message) expect(finding.message).toMatch(expected.message);
          if (expected.fixed !== undefined) expect(!!finding.fix, `finding ${index} fixed`).toBe(expected.fixed);
          if (expected.evidence)
            expect(
              (finding.evidence ?? []).map((entry) => ({ type: entry.type, line: entry.location?.line })),
              `finding ${index} evidence`,
            ).toEqual(expected.evidence);
        });
      });
    }

    for (const fixed of table.output ?? []) {
      it(`output: ${fixed.name}`, () => {
        const findings = runCheck(check, fixed.yaml, fixed.options);
        expect(findings.length, 'findings to fix').toBeGreaterThan(0);
        expect(applyFixes(fixed.yaml, findings)).toBe(fixed.output);
        expect(runCheck(check, fixed.output, fixed.options).map(summarize), 'findings after the fix').toEqual([]);
      });
    }
  });
}

function expectErrors(errors: readonly ScanError[], expected: CheckCase['errors'] = []): void {
  expect(errors.map((error) => `${error.line}: ${error.message}`)).toHaveLength(expected.length);
  expected.forEach((want, index) => {
    const error = errors[index] as ScanError;
    expect(error.line, `error ${index} line`).toBe(want.line);
    expect(error.message).toMatch(want.message);
  });
}

function summarize(finding: Finding) {
  return `${finding.location?.line}:${finding.location?.column} ${finding.path ?? ''} ${finding.message}`;
}
