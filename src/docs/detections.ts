import type { AnyDetection } from '../detections/define.js';
import { getTechnique } from '../matrix/index.js';

/** docs/detections.md, generated from the detections' metadata (`npm run docs`); a test keeps the file current. */
export function detectionsMarkdown(detections: readonly AnyDetection[]): string {
  const sorted = [...detections].sort((a, b) => a.id.localeCompare(b.id));
  const lines = [
    '# Detections',
    '',
    "<!-- Generated from each detection's metadata by `npm run docs`. Do not edit by hand. -->",
    '',
    'Each detection reads Kubernetes audit events (`kubematrix audit FILE…`, or live with `kubematrix audit serve`;',
    'see [audit.md](audit.md)) and raises alerts labelled with the Threat Matrix techniques it observes. The audit',
    'level is what the API server must log of the request for the rule to see it; `deploy/audit-policy.yaml` gives',
    'every rule its level. System controllers and nodes are skipped unless a rule says it watches everyone; change',
    'that list with `audit.allow` in `.kubematrix.yaml`.',
    '',
  ];
  if (!sorted.length) {
    lines.push('No detection is defined yet.', '');
    return lines.join('\n');
  }
  lines.push(
    '| detection | severity | techniques | audit level |',
    '| --- | --- | --- | --- |',
    ...sorted.map(
      (detection) =>
        `| [${detection.id}](#${detection.id}) | ${detection.severity} | ${detection.techniques.join(', ')} | ${detection.level} |`,
    ),
    '',
  );
  for (const detection of sorted) {
    const { verbs, resources, users, codes } = detection.on;
    const by = [
      ...(users?.names ?? []).map((name) => `\`${name}\``),
      ...(users?.groups ?? []).map((group) => `the group \`${group}\``),
    ];
    lines.push(
      `## ${detection.id}`,
      '',
      `**${detection.title}** — default severity \`${detection.severity}\`, needs audit level \`${detection.level}\``,
      '',
      detection.description,
      '',
      'Techniques:',
      ...detection.techniques.map((id) => `- ${id} ${getTechnique(id)?.name ?? ''}`),
      '',
      `Watches: ${verbs ? verbs.map((verb) => `\`${verb}\``).join(', ') : 'every verb'} on ${
        resources ? resources.map((resource) => `\`${resource}\``).join(', ') : 'every resource'
      }${by.length ? `, by ${by.join(' or ')}` : ''}${codes ? `, answered ${codes.map((code) => `\`${code}\``).join(' or ')}` : ''}${
        detection.everyone
          ? by.length
            ? ', allow-listed identities included'
            : ', by everyone (allow-listed identities included)'
          : ''
      }${detection.on.enabled ? ', only when its settings give it something to match' : ''}.`,
      '',
      `Audit fields: ${detection.fields.map((field) => `\`${field}\``).join(', ')}.`,
      '',
      `**Why it matters.** ${detection.rationale}`,
      '',
      `**When it fires.** ${detection.response}`,
      '',
      `**Known benign cases.** ${detection.benign}`,
      '',
    );
    if (detection.baseline) lines.push(`**Needs a baseline.** ${detection.baseline}`, '');
  }
  return lines.join('\n');
}
