import type { AnyCheck } from '../../checks/define.js';
import type { AnyDetection } from '../../detections/define.js';
import type { MatrixEntry, Mitigation, MitigationId, Technique, TechniqueId } from '../../matrix/index.js';
import { getMitigation, getTactic, getTechnique } from '../../matrix/index.js';
import type { Paint } from './paint.js';
import { indent, printed, wrap } from './text.js';

export interface ExplainOptions {
  width: number;
  paint: Paint;
  /** kubematrix checks able to report the technique, by id. */
  checksFor?: (technique: Technique) => readonly string[];
}

export function renderExplain(entry: MatrixEntry, options: ExplainOptions): string {
  return `${(entry.type === 'technique' ? explainTechnique(entry.entry, options) : explainMitigation(entry.entry, options)).join('\n')}\n`;
}

function explainTechnique(technique: Technique, { width, paint, checksFor }: ExplainOptions): string[] {
  const text = Math.min(width, 100) - 2;
  const lines = [
    `${paint('bold', technique.id)}  ${paint('bold', technique.name)}`,
    `Tactics: ${technique.tactics.map((t) => getTactic(t).name).join(', ')}` +
      (technique.attack.length ? `    ATT&CK: ${technique.attack.join(', ')}` : ''),
    '',
    ...wrap(technique.summary, text),
    '',
    paint('bold', `How to see it (${technique.detection.signals.join(', ')})`),
    ...indent(wrap(technique.detection.text, text - 2), '  '),
  ];
  if (technique.detection.question) {
    lines.push(...indent(wrap(`Ask: ${technique.detection.question}`, text - 2), '  '));
  }
  const checks = checksFor?.(technique) ?? [];
  if (checks.length) lines.push('', paint('bold', 'Checked by'), ...indent(wrap(checks.join(', '), text - 2), '  '));
  lines.push('', paint('bold', 'Mitigations'));
  for (const advice of technique.mitigations) {
    lines.push(`  ${advice.id}  ${getMitigation(advice.id)?.name ?? ''}`);
    lines.push(...indent(wrap(advice.action, text - 4), '    '));
  }
  return lines;
}

function explainMitigation(mitigation: Mitigation, { width, paint }: ExplainOptions): string[] {
  const text = Math.min(width, 100) - 2;
  const lines = [
    `${paint('bold', mitigation.id)}  ${paint('bold', mitigation.name)}`,
    ...(mitigation.attack.length ? [`ATT&CK: ${mitigation.attack.join(', ')}`] : []),
    '',
    ...wrap(mitigation.summary, text),
    '',
    paint('bold', 'Against'),
  ];
  for (const id of mitigation.techniques) {
    const technique = getTechnique(id);
    lines.push(`  ${id}  ${technique?.name ?? ''}`);
    const advice = technique?.mitigations.find((m) => m.id === mitigation.id);
    if (advice) lines.push(...indent(wrap(advice.action, text - 4), '    '));
  }
  return lines;
}

/** A check, from the metadata docs/checks.md is generated from. */
export function renderCheckExplain(check: AnyCheck, { width, paint }: ExplainOptions): string {
  const text = Math.min(width, 100) - 2;
  const lines = [
    `${paint('bold', check.id)}  ${paint('bold', check.title)}`,
    check.definedAt
      ? `Custom rule, default severity ${check.severity}, defined in ${check.definedAt.file}:${check.definedAt.line}`
      : `Check, default severity ${check.severity}`,
    '',
    ...wrap(check.description, text),
    ...section('Why it matters', check.rationale, text, paint),
    ...section('How to fix', check.remediation, text, paint),
    ...matrixList('Exposes', check.exposes, paint),
    ...matrixList('Missing mitigations', check.missing, paint),
  ];
  return `${lines.join('\n')}\n`;
}

/** An audit rule, from the metadata docs/detections.md is generated from. */
export function renderDetectionExplain(detection: AnyDetection, { width, paint }: ExplainOptions): string {
  const text = Math.min(width, 100) - 2;
  const lines = [
    `${paint('bold', detection.id)}  ${paint('bold', detection.title)}`,
    `Audit rule, default severity ${detection.severity}, needs audit level ${detection.level}`,
    '',
    ...wrap(detection.description, text),
    ...section('Why it matters', detection.rationale, text, paint),
    ...section('When it fires', detection.response, text, paint),
    ...section('Known benign cases', detection.benign, text, paint),
    ...(detection.baseline ? section('Needs a baseline', detection.baseline, text, paint) : []),
    ...matrixList('Techniques', detection.techniques, paint),
  ];
  return `${lines.join('\n')}\n`;
}

function section(title: string, body: string, width: number, paint: Paint): string[] {
  return ['', paint('bold', title), ...indent(wrap(body, width - 2), '  ')];
}

function matrixList(title: string, ids: readonly (TechniqueId | MitigationId)[], paint: Paint): string[] {
  if (!ids.length) return [];
  const name = (id: string) => (getTechnique(id) ?? getMitigation(id))?.name ?? '';
  return ['', paint('bold', title), ...ids.map((id) => `  ${id.padEnd(13)} ${name(id)}`)];
}

export function renderCandidates(query: string, candidates: readonly MatrixEntry[]): string {
  const lines = [printed`'${query}' matches ${candidates.length} entries; name one by ID:`];
  for (const { entry } of candidates) lines.push(`  ${entry.id.padEnd(13)} ${entry.name}`);
  return `${lines.join('\n')}\n`;
}
