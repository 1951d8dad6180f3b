import type { AttackPath } from '../model/paths.js';
import type { Finding, Report, TechniqueStatusValue } from '../model/report.js';
import { compareFindingSets } from './baseline.js';

/**
 * What changed between two scans (`kubematrix diff OLD.json NEW.json`): a pull request's effect, or a night's drift
 * of a cluster. Findings are matched as `scan --baseline` matches them (src/engine/baseline.ts), attack paths by the
 * nodes they pass through.
 */

/**
 * How a technique's status moved: `newly-exposed` (now exposed, before not), `no-longer-exposed` (the reverse),
 * `newly-mitigated` (now mitigated or declared, before neither, and not exposed before), `changed` otherwise.
 */
export type TechniqueChangeKind = 'newly-exposed' | 'no-longer-exposed' | 'newly-mitigated' | 'changed';

export interface TechniqueChange {
  readonly id: string;
  readonly kind: TechniqueChangeKind;
  readonly before: TechniqueStatusValue;
  readonly after: TechniqueStatusValue;
  /** New unsuppressed findings naming the technique: what exposes it now. */
  readonly via: readonly Finding[];
}

export interface PathsDiff {
  readonly new: readonly PathView[];
  readonly cut: readonly PathView[];
}

/** A path as its node labels, entry point first. */
export interface PathView {
  readonly path: readonly string[];
  readonly severity: AttackPath['severity'];
}

export interface ReportDiff {
  readonly techniques: readonly TechniqueChange[];
  readonly findings: {
    readonly new: readonly Finding[];
    readonly fixed: readonly Finding[];
    readonly unchanged: number;
  };
  /** Absent when either report has no attack paths (`scan` computes them; `paths: false` does not). */
  readonly paths?: PathsDiff;
}

const mitigatedStatuses: readonly TechniqueStatusValue[] = ['mitigated', 'declared'];

export function diffReports(before: Report, after: Report): ReportDiff {
  const findings = compareFindingSets(before.findings, after.findings);
  const statusBefore = new Map(before.techniques.map((technique) => [technique.id, technique.status]));
  const techniques = after.techniques.flatMap((technique): TechniqueChange[] => {
    const was = statusBefore.get(technique.id) ?? 'not-assessed';
    const now = technique.status;
    if (was === now) return [];
    const kind: TechniqueChangeKind =
      now === 'exposed'
        ? 'newly-exposed'
        : was === 'exposed'
          ? 'no-longer-exposed'
          : mitigatedStatuses.includes(now) && !mitigatedStatuses.includes(was)
            ? 'newly-mitigated'
            : 'changed';
    const via = findings.added.filter(
      (finding) => !finding.suppressed && finding.severity !== 'info' && finding.techniques.includes(technique.id),
    );
    return [{ id: technique.id, kind, before: was, after: now, via }];
  });
  return {
    techniques,
    findings: { new: findings.added, fixed: findings.fixed, unchanged: findings.unchanged.length },
    ...(before.attackPaths && after.attackPaths
      ? { paths: diffPaths(views(before.attackPaths), views(after.attackPaths)) }
      : {}),
  };
}

function views({ paths, nodes }: NonNullable<Report['attackPaths']>): Map<string, PathView> {
  const label = new Map(nodes.map((node) => [node.id, node.label]));
  return new Map(
    paths.map((path) => {
      const ids = [path.from, ...path.steps.map((step) => step.to)];
      return [ids.join('\u0000'), { path: ids.map((id) => label.get(id) ?? id), severity: path.severity }];
    }),
  );
}

function diffPaths(before: Map<string, PathView>, after: Map<string, PathView>): PathsDiff {
  return {
    new: [...after].filter(([key]) => !before.has(key)).map(([, view]) => view),
    cut: [...before].filter(([key]) => !after.has(key)).map(([, view]) => view),
  };
}
