import type { AnyCheck } from '../checks/define.js';
import { getMitigation, getTechnique } from '../matrix/index.js';

/** docs/checks.md, generated from the checks' metadata (`npm run docs`); a test keeps the file current. */
export function checksMarkdown(checks: readonly AnyCheck[]): string {
  const sorted = [...checks].sort((a, b) => a.id.localeCompare(b.id));
  const lines = [
    '# Checks',
    '',
    "<!-- Generated from each check's metadata by `npm run docs`. Do not edit by hand. -->",
    '',
    'Each check names the Threat Matrix techniques a resource **exposes** as configured, and/or the mitigations it',
    'finds **missing** (a hardening gap that would block a technique). Suppress a check with `.kubematrix.yaml`',
    '(`ignore: [{check, namespace?, kind?, name?, reason, expires?}]`) or the annotation',
    '`kubematrix.io/ignore: "<check>[,<check>]"` with `kubematrix.io/ignore-reason`.',
    '',
    '| check | severity | exposes | missing |',
    '| --- | --- | --- | --- |',
    ...sorted.map(
      (check) =>
        `| [${check.id}](#${check.id}) | ${check.severity} | ${check.exposes.join(', ') || '—'} | ${check.missing.join(', ') || '—'} |`,
    ),
    '',
  ];
  for (const check of sorted) {
    lines.push(
      `## ${check.id}`,
      '',
      `**${check.title}** — default severity \`${check.severity}\``,
      '',
      check.description,
      '',
    );
    if (check.exposes.length) {
      lines.push('Exposes:', ...check.exposes.map((id) => `- ${id} ${getTechnique(id)?.name ?? ''}`), '');
    }
    if (check.missing.length) {
      lines.push('Missing mitigations:', ...check.missing.map((id) => `- ${id} ${getMitigation(id)?.name ?? ''}`), '');
    }
    lines.push(`**Why it matters.** ${check.rationale}`, '', `**How to fix.** ${check.remediation}`, '');
    if (check.fixable) {
      lines.push(
        `**Fixable.** A finding carries its fix (\`kubematrix fix\`, SARIF \`fixes\`) where the field is left unset${check.fixable.when ? `, ${check.fixable.when}` : ''}; a value written is never overwritten. The fix may break this: ${check.fixable.breaks}.`,
        '',
      );
    }
  }
  return lines.join('\n');
}
