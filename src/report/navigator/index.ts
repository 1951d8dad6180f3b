import { getTechnique } from '../../matrix/index.js';
import type { Report, TechniqueStatus } from '../../model/report.js';
import { jsonText } from '../json/text.js';
import { severityScore } from '../scores.js';

/**
 * Score of a matrix technique, 0 to 10 (the scale of src/report/scores.ts): an exposed technique scores the severity
 * of its worst finding; a weakened one 1 (a defense is missing, nothing exposes it yet); one assessed and found
 * closed 0. A technique this scan could not see is unscored: no evidence either way. A status this reporter does not
 * know (the coverage model may add some) is unscored too, its name still in the comment.
 */
export function techniqueScore(technique: Pick<TechniqueStatus, 'status' | 'severity'>): number | undefined {
  switch (technique.status as string) {
    case 'exposed':
      return severityScore[technique.severity ?? 'medium'];
    case 'weakened':
      return 1;
    case 'not-observed':
    case 'mitigated':
    case 'declared':
      return 0;
    default:
      return undefined;
  }
}

/** Green for closed, through yellow, to red for a critical exposure. */
const GRADIENT = { colors: ['#8ec843', '#ffe766', '#ff6666'], minValue: 0, maxValue: 10 };

interface NavigatorTechnique {
  techniqueID: string;
  score?: number;
  comment: string;
  enabled: boolean;
}

/**
 * An ATT&CK Navigator layer (format 4.5, enterprise-attack) of the scan: each ATT&CK technique that a matrix
 * technique maps to, scored by the worst of the matrix techniques mapping to it, with a comment naming them, their
 * status and their findings.
 */
export function navigatorLayer(report: Report): Record<string, unknown> {
  const byAttack = new Map<string, TechniqueStatus[]>();
  for (const status of report.techniques) {
    for (const attack of getTechnique(status.id)?.attack ?? []) {
      byAttack.set(attack, [...(byAttack.get(attack) ?? []), status]);
    }
  }
  const entries: NavigatorTechnique[] = [...byAttack.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en'))
    .map(([techniqueID, statuses]) => {
      const scores = statuses.map(techniqueScore).filter((score) => score !== undefined);
      return {
        techniqueID,
        ...(scores.length ? { score: Math.max(...scores) } : {}),
        comment: statuses.map(describe).join('\n'),
        enabled: true,
      };
    });
  const source = report.source.type === 'cluster' ? report.source.context : report.source.inputs.join(', ');
  return {
    name: `kubematrix: ${source}`,
    versions: { navigator: '5.1.0', layer: '4.5' },
    domain: 'enterprise-attack',
    description: `Threat Matrix for Kubernetes techniques of ${source}, mapped onto ATT&CK by kubematrix ${report.version}. Score 0-10: the worst severity of the findings exposing a technique (critical 9.5, high 8, medium 5.5, low 3), 1 when only a mitigation is missing, 0 when assessed and closed; unscored when this scan could not see it.`,
    sorting: 3,
    layout: { layout: 'side', showID: true, showName: true, expandedSubtechniques: 'annotated' },
    hideDisabled: false,
    techniques: entries,
    gradient: GRADIENT,
    legendItems: [
      { label: 'exposed, critical or high (8-9.5)', color: '#ff6666' },
      { label: 'exposed, medium or low (3-5.5)', color: '#ffe766' },
      { label: 'mitigation missing (1) or assessed and closed (0)', color: '#8ec843' },
    ],
    metadata: [
      { name: 'scanned at', value: report.scannedAt },
      { name: 'findings', value: String(report.findings.length) },
    ],
  };
}

function describe(status: TechniqueStatus): string {
  const name = getTechnique(status.id)?.name ?? '';
  const findings = status.findings
    ? `: ${status.findings} finding${status.findings === 1 ? '' : 's'}${status.severity ? `, worst ${status.severity}` : ''}`
    : '';
  return `${status.id} ${name} (${status.status})${findings}`;
}

export function* renderNavigator(report: Report): Generator<string> {
  yield `${jsonText(navigatorLayer(report), 2)}\n`;
}
