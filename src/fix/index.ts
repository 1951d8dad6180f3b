import { allChecks } from '../checks/index.js';
import type { ScanResult } from '../engine/scan.js';
import type { MitigationId } from '../matrix/types.js';
import { compareText, globMatch } from '../util/text.js';
import { admissionPolicies, admissionPolicyChecks } from './admission-policies.js';
import { auditPolicyFix, CONTROL_PLANE_CHECK } from './audit-policy.js';
import { networkPolicyChecks, networkPolicyFixes } from './network-policies.js';
import { podSecurity } from './pod-security.js';
import { rbacFixes } from './rbac.js';
import type { FixFile, FixGenerator, ObservedUsage } from './types.js';
import { workloadPatches } from './workload-patches.js';

export type * from './types.js';

/** A generator as `kubematrix fix` runs it: what it proposes for, so that `--only` can choose it. */
export interface FixGeneratorEntry {
  /** The folder slug its files share after the mitigation id: `pod-security` → `MS-M9017-pod-security/`. */
  readonly id: string;
  readonly mitigations: readonly MitigationId[];
  /** The checks whose findings its files close: `--only CHECK` selects it by any of them. */
  readonly checks: readonly string[];
  readonly generate: FixGenerator;
}

/** Every generator, one line each, in the order their files are listed. */
export const GENERATORS: readonly FixGeneratorEntry[] = [
  { id: 'pod-security', mitigations: ['MS-M9017'], checks: ['pod-security-admission'], generate: podSecurity },
  {
    id: 'workload-patches',
    mitigations: ['MS-M9013'],
    checks: allChecks.filter((check) => check.fixable).map((check) => check.id),
    generate: workloadPatches,
  },
  {
    id: 'admission-policies',
    mitigations: ['MS-M9013', 'MS-M9005.003'],
    checks: [...admissionPolicyChecks, 'admission-policies', 'admission-gap'],
    generate: admissionPolicies,
  },
  {
    id: 'network-policies',
    mitigations: ['MS-M9014', 'MS-M9018'],
    checks: [...networkPolicyChecks],
    generate: networkPolicyFixes,
  },
  { id: 'rbac', mitigations: ['MS-M9003'], checks: checkIds((id) => id.startsWith('rbac-')), generate: rbacFixes },
  {
    id: 'audit-policy',
    mitigations: ['MS-M9020'],
    checks: checkIds((id) => CONTROL_PLANE_CHECK.test(id)),
    generate: auditPolicyFix,
  },
];

function checkIds(chosen: (id: string) => boolean): string[] {
  return allChecks.map((check) => check.id).filter(chosen);
}

export interface FixOptions {
  /** `--only`: mitigation ids or check ids (`*` globs, mitigation ids in any case); every generator when empty. */
  readonly only?: readonly string[];
  readonly mode?: 'warn' | 'enforce';
  readonly usage?: ObservedUsage;
  /** The image-registry check's `allowed` registries, from the config. */
  readonly allowedRegistries?: readonly string[];
  /** The generators to choose among; {@link GENERATORS} by default (tests pass their own). */
  readonly generators?: readonly FixGeneratorEntry[];
}

/** Thrown for an `--only` pattern that names no generator's mitigation or check: it would silently fix nothing. */
export class FixSelectionError extends Error {}

/** Whether one `--only` pattern chooses the generator. */
function chooses(pattern: string, entry: FixGeneratorEntry): boolean {
  return (
    entry.mitigations.some((mitigation) => globMatch(pattern.toUpperCase(), mitigation)) ||
    entry.checks.some((check) => globMatch(pattern, check))
  );
}

/** The generators `--only` chooses, in registry order. */
export function selectGenerators(
  only: readonly string[] = [],
  generators: readonly FixGeneratorEntry[] = GENERATORS,
): FixGeneratorEntry[] {
  const unmatched = only.find((pattern) => !generators.some((entry) => chooses(pattern, entry)));
  if (unmatched !== undefined) {
    const known = [...new Set(generators.flatMap((entry) => [...entry.mitigations, ...entry.checks]))];
    throw new FixSelectionError(
      `--only '${unmatched}' names no mitigation or check a fix is generated for (${known.join(', ')})`,
    );
  }
  return generators.filter((entry) => !only.length || only.some((pattern) => chooses(pattern, entry)));
}

/**
 * The files that close what the scan found, from every chosen generator, ordered by path. Generators never apply
 * anything: `--what-if` (src/fix/what-if.ts) applies their objects in memory, the writer lays them out.
 */
export function fix({ report, inventory }: ScanResult, options: FixOptions = {}): FixFile[] {
  const context = {
    inventory,
    findings: report.findings,
    mode: options.mode ?? 'warn',
    ...(options.usage ? { usage: options.usage } : {}),
    ...(options.allowedRegistries?.length ? { allowedRegistries: options.allowedRegistries } : {}),
  } as const;
  const files: FixFile[] = [];
  const seen = new Map<string, string>();
  for (const entry of selectGenerators(options.only, options.generators)) {
    for (const file of entry.generate(context)) {
      // A path outside the folder's layout, or two files at one path, would lose a file when written.
      if (!file.path.startsWith(`${file.mitigation}-`) || file.path.split('/').includes('..')) {
        throw new Error(`fix generator '${entry.id}' proposed ${file.path}, outside ${file.mitigation}-<slug>/`);
      }
      const other = seen.get(file.path);
      if (other !== undefined) throw new Error(`fix generators '${other}' and '${entry.id}' both write ${file.path}`);
      seen.set(file.path, entry.id);
      files.push(file);
    }
  }
  return files.sort((a, b) => compareText(a.path, b.path));
}
