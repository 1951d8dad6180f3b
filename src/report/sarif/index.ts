import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyCheck } from '../../checks/define.js';
import { mitigates } from '../../coverage/index.js';
import { getMitigation, getTactic, getTechnique, techniques } from '../../matrix/index.js';
import type { Technique } from '../../matrix/types.js';
import { type Severity, type SourceLocation, severities, severityRank } from '../../model/basics.js';
import type { Finding, Report } from '../../model/report.js';
import {
  editableYaml,
  lineStartsOf,
  type ObjectEdit,
  planEdits,
  planRecorded,
  positionOf,
  recordedOf,
  type TextReplacement,
} from '../../util/yaml-edit.js';
import type { ReportOptions } from '../index.js';
import { jsonText } from '../json/text.js';
import { severityScore } from '../scores.js';
import { namespaceNote, resourceName } from '../terminal/findings.js';

/** The OASIS schema of SARIF 2.1.0 (errata 01), the version GitHub code scanning reads. */
const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** The published matrix the rules map onto: the project has no home page of its own yet. */
const INFORMATION_URI = 'https://microsoft.github.io/Threat-Matrix-for-Kubernetes/';
/** Key of the fingerprint GitHub matches alerts across runs by: the finding id, stable for a check, object and field. */
const FINGERPRINT = 'kubematrixFindingId/v1';
/** Results per piece of output, as in the JSON report. */
const BATCH = 500;
/**
 * GitHub code scanning rejects a run with more results, a result with more locations, or a rule with more tags
 * (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
 */
export const SARIF_LIMITS = { results: 25_000, locations: 1_000, tags: 20 } as const;

const levels: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

type Json = Record<string, unknown>;

/**
 * The report as a SARIF 2.1.0 log with one run: a rule per check (from its metadata and the knowledge base), a
 * result per finding. File findings point at the exact field (a URI relative to `%SRCROOT%`, the directory the scan
 * ran in); cluster findings, which have no file, carry their `k8s://` address as a logical location. Suppressed
 * findings are results with a `suppressions` entry, which GitHub shows as dismissed. Written in pieces: the results
 * one per line.
 */
export function* renderSarif(report: Report, options: Pick<ReportOptions, 'cwd' | 'catalog'>): Generator<string> {
  const cwd = options.cwd ?? process.cwd();
  const where = artifactLocations(cwd);
  const { checks } = options.catalog;
  const ruleIndex = new Map(checks.map((check, index) => [check.id, index]));
  const { kept, left } = withinLimit(report.findings);
  const fixes = fixesOf(kept, cwd);
  const run: Json = {
    tool: {
      driver: {
        name: 'kubematrix',
        version: report.version,
        semanticVersion: report.version,
        informationUri: INFORMATION_URI,
        rules: checks.map(rule),
      },
    },
    invocations: [
      {
        executionSuccessful: true,
        endTimeUtc: report.scannedAt,
        toolExecutionNotifications: [...notifications(report, where), ...leftOut(left)],
      },
    ],
    columnKind: 'utf16CodeUnits',
    properties: { source: report.source },
  };
  if (!kept.length) {
    yield `${jsonText(log({ ...run, results: [] }), 2)}\n`;
    return;
  }
  // The log around the results, indented; the results go where the marker is, one line each.
  const marker = '\u0000results';
  const [head, tail] = jsonText(log({ ...run, results: [marker] }), 2).split(jsonText(marker));
  yield head as string;
  for (let start = 0; start < kept.length; start += BATCH) {
    const batch = kept.slice(start, start + BATCH);
    const lines = batch.map((finding) => jsonText(result(finding, ruleIndex.get(finding.checkId), where, fixes)));
    yield `${start ? ',\n        ' : ''}${lines.join(',\n        ')}`;
  }
  yield `${tail}\n`;
}

/**
 * The findings a run can hold (`SARIF_LIMITS.results`): unsuppressed before suppressed (which GitHub shows as
 * dismissed), worst first, in report order within a severity; and the severities of those left out.
 */
function withinLimit(findings: readonly Finding[]): { kept: readonly Finding[]; left: readonly Finding[] } {
  if (findings.length <= SARIF_LIMITS.results) return { kept: findings, left: [] };
  // A stable sort by rank, in one pass: each rank's findings in report order, the ranks one after the other.
  const ranks: Finding[][] = Array.from({ length: 2 * severities.length }, () => []);
  for (const finding of findings) {
    (ranks[(finding.suppressed ? severities.length : 0) + severityRank(finding.severity)] as Finding[]).push(finding);
  }
  const ranked = ranks.flat();
  return { kept: ranked.slice(0, SARIF_LIMITS.results), left: ranked.slice(SARIF_LIMITS.results) };
}

/** What was left out to stay within GitHub's limits, and where to find it. */
function leftOut(left: readonly Finding[]): Json[] {
  if (!left.length) return [];
  const bySeverity = severities
    .map((severity) => [severity, left.filter((finding) => finding.severity === severity).length] as const)
    .filter(([, count]) => count)
    .map(([severity, count]) => `${count} ${severity}`);
  return [
    {
      level: 'warning',
      message: {
        text: `${left.length} lower-severity results left out (${bySeverity.join(', ')}): GitHub code scanning accepts at most ${SARIF_LIMITS.results} results per run, and these are the least severe. The JSON report (kubematrix scan --output json) has every finding.`,
      },
      properties: { resultsLeftOut: left.length },
    },
  ];
}

function log(run: Json): Json {
  return { $schema: SCHEMA, version: '2.1.0', runs: [run] };
}

/** The techniques a check bears on: those it exposes, then those its missing mitigations would block. */
function techniquesOf(check: AnyCheck): Technique[] {
  const exposed = check.exposes.map(getTechnique).filter((t): t is Technique => t !== undefined);
  const blocked = techniques.filter(
    (t) => !check.exposes.includes(t.id) && check.missing.some((mitigation) => mitigates(mitigation, t)),
  );
  return [...exposed, ...blocked];
}

function rule(check: AnyCheck): Json {
  const concerned = techniquesOf(check);
  const tactics = [...new Set(concerned.flatMap((t) => t.tactics))].map((key) => getTactic(key).name);
  const missing = check.missing.map((id) => ({ id, mitigation: getMitigation(id) }));
  const techniqueLine = (t: Technique) =>
    `${t.id} ${t.name} (${t.tactics.map((key) => getTactic(key).name).join(', ')}; ATT&CK ${t.attack.join(', ')})`;
  const text = [
    check.description,
    `Why it matters: ${check.rationale}`,
    `How to fix: ${check.remediation}`,
    concerned.length ? `Techniques:\n${concerned.map((t) => `- ${techniqueLine(t)}`).join('\n')}` : '',
    missing.length
      ? `Missing mitigations:\n${missing.map(({ id, mitigation }) => `- ${id} ${mitigation?.name ?? ''}`).join('\n')}`
      : '',
  ];
  const markdown = [
    check.description,
    `**Why it matters.** ${check.rationale}`,
    `**How to fix.** ${check.remediation}`,
    concerned.length
      ? [
          check.exposes.length ? '**Techniques**' : '**Techniques the missing mitigations would block**',
          '',
          '| Technique | Tactics | ATT&CK |',
          '| --- | --- | --- |',
          ...concerned.map(
            (t) =>
              `| ${t.id} ${t.name} | ${t.tactics.map((key) => getTactic(key).name).join(', ')} | ${t.attack.map(attackLink).join(', ')} |`,
          ),
        ].join('\n')
      : '',
    missing.length
      ? `**Missing mitigations:** ${missing.map(({ id, mitigation }) => `${id} ${mitigation?.name ?? ''}`.trim()).join('; ')}`
      : '',
  ];
  return {
    id: check.id,
    name: check.id.replace(/(^|-)([a-z0-9])/g, (_, __, char: string) => char.toUpperCase()),
    shortDescription: { text: check.title },
    fullDescription: { text: check.description },
    help: {
      text: text.filter(Boolean).join('\n\n'),
      markdown: markdown.filter(Boolean).join('\n\n'),
    },
    defaultConfiguration: { level: levels[check.severity] },
    properties: {
      // GitHub takes at most 20 and shows 10: the most telling first.
      tags: ['security', ...concerned.map((t) => t.id), ...tactics].slice(0, SARIF_LIMITS.tags),
      'security-severity': severityScore[check.severity].toFixed(1),
      precision: 'high',
    },
  };
}

/** T1195.002 → its page on attack.mitre.org. */
function attackLink(id: string): string {
  return `[${id}](https://attack.mitre.org/techniques/${id.replace('.', '/')}/)`;
}

function result(
  finding: Finding,
  ruleIndex: number | undefined,
  where: ArtifactLocations,
  fixes: ReadonlyMap<Finding, Replacements>,
): Json {
  const physical = finding.location && physicalLocation(finding.location, where);
  const replacements = physical && fixes.get(finding);
  const fix = replacements && sarifFix(finding, physical.artifactLocation as Json, replacements);
  const related = (finding.evidence ?? [])
    .flatMap((evidence) => {
      const location = evidence.location && physicalLocation(evidence.location, where);
      const note = namespaceNote(evidence.location);
      return location
        ? [{ physicalLocation: location, message: { text: note ? `${evidence.text} (${note})` : evidence.text } }]
        : [];
    })
    // With the result's own location, within GitHub's limit; the JSON report keeps every piece of evidence.
    .slice(0, SARIF_LIMITS.locations - 1);
  const note = namespaceNote(finding.location);
  return {
    ruleId: finding.checkId,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: levels[finding.severity],
    message: { text: `${resourceName(finding.resource)}: ${finding.message}` },
    locations: [
      {
        ...(note ? { message: { text: note } } : {}),
        ...(physical
          ? { physicalLocation: physical }
          : {
              // No file (a live cluster, standard input): the object itself, by its address.
              logicalLocations: [
                {
                  name: finding.resource.name,
                  fullyQualifiedName: finding.uri ?? resourceName(finding.resource),
                  kind: 'resource',
                },
              ],
            }),
      },
    ],
    ...(related.length ? { relatedLocations: related.map((location, id) => ({ id, ...location })) } : {}),
    partialFingerprints: { [FINGERPRINT]: finding.id },
    ...(finding.baseline ? { baselineState: finding.baseline } : {}),
    ...(fix ? { fixes: [fix] } : {}),
    ...(finding.suppressed
      ? {
          suppressions: [
            {
              // An annotation sits on the object in the manifest; a config entry lives outside it.
              kind: finding.suppressed.by === 'annotation' ? 'inSource' : 'external',
              status: 'accepted',
              justification: finding.suppressed.expires
                ? `${finding.suppressed.reason} (until ${finding.suppressed.expires})`
                : finding.suppressed.reason,
            },
          ],
        }
      : {}),
    properties: {
      severity: finding.severity,
      techniques: finding.techniques,
      mitigations: finding.mitigations,
      resource: finding.resource,
      ...(finding.uri ? { uri: finding.uri } : {}),
      ...(finding.path ? { path: finding.path } : {}),
      remediation: finding.remediation,
    },
  };
}

/** What a SARIF `fix` replaces, by line and column. */
type Replacements = Json[];

/**
 * Each finding's fix as the text replacements that make it in its file, alone, as `fix --write` would. The files are
 * read again, after the scan, each once. A finding keeps the offsets its document was recorded with, which place
 * most fixes without parsing (planRecorded); for the others, only the documents that hold their objects are parsed,
 * and the parse is dropped before the next file. When the object is no longer where the finding says, or the field
 * is set by now, the result goes without a fix rather than with a wrong one.
 */
function fixesOf(findings: readonly Finding[], cwd: string): Map<Finding, Replacements> {
  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) {
    const file = finding.location?.file;
    if (!finding.fix || file === undefined || file === '-') continue;
    const list = byFile.get(file);
    if (list) list.push(finding);
    else byFile.set(file, [finding]);
  }
  const fixes = new Map<Finding, Replacements>();
  for (const [file, fixable] of byFile) {
    let text: string;
    try {
      text = readFileSync(path.resolve(cwd, file), 'utf8');
    } catch {
      continue;
    }
    const lines = { text, lineStarts: lineStartsOf(text) };
    const planned = new Map<Finding, readonly TextReplacement[]>();
    const unplanned: Finding[] = [];
    for (const finding of fixable) {
      const recorded = recordedOf(finding);
      const replacements = recorded && planRecorded(lines, recorded, editOf(finding));
      if (replacements) planned.set(finding, replacements);
      else unplanned.push(finding);
    }
    if (unplanned.length) {
      const yaml = editableYaml(
        text,
        unplanned.map((finding) => finding.location?.line ?? 0),
      );
      for (const finding of unplanned) {
        const { replacements, errors } = planEdits(yaml, [editOf(finding)]);
        if (!errors.length) planned.set(finding, replacements);
      }
    }
    for (const [finding, replacements] of planned) {
      if (!replacements.length) continue;
      fixes.set(
        finding,
        replacements.map(({ start, end, text: inserted }) => {
          const [from, to] = [positionOf(lines, start), positionOf(lines, end)];
          return {
            deletedRegion: { startLine: from.line, startColumn: from.column, endLine: to.line, endColumn: to.column },
            insertedContent: { text: inserted },
          };
        }),
      );
    }
  }
  return fixes;
}

function editOf({ fix: operations = [], location, resource }: Finding): ObjectEdit {
  return { line: location?.line ?? 0, kind: resource.kind, name: resource.name, operations };
}

/** A finding's fix as SARIF's `fix`, in the file its result points at. */
function sarifFix(finding: Finding, artifactLocation: Json, replacements: Replacements): Json {
  return {
    description: {
      text: `Set ${(finding.fix ?? []).map(({ path: pointer, value }) => `${pointer} to ${JSON.stringify(value)}`).join(', ')}`,
    },
    artifactChanges: [{ artifactLocation, replacements }],
  };
}

/** A file's `artifactLocation`; undefined for standard input, which has no file. */
type ArtifactLocations = (file: string) => Json | undefined;

/**
 * Where each file is, relative to `%SRCROOT%` (the scan's working directory) with forward slashes, as code scanning
 * matches it against the repository; a file outside that directory keeps its absolute `file:` URI. Worked out once
 * per file, not once per result.
 */
function artifactLocations(cwd: string): ArtifactLocations {
  const known = new Map<string, Json>();
  return (file) => {
    if (file === '-') return undefined;
    let artifactLocation = known.get(file);
    if (!artifactLocation) {
      const absolute = path.resolve(cwd, file);
      const relative = path.relative(cwd, absolute);
      const outside = relative.startsWith('..') || path.isAbsolute(relative);
      artifactLocation = outside
        ? { uri: pathToFileURL(absolute).href }
        : { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
      known.set(file, artifactLocation);
    }
    return artifactLocation;
  };
}

/** A location in its file, by line and column. */
function physicalLocation(location: SourceLocation, where: ArtifactLocations): Json | undefined {
  const artifactLocation = where(location.file);
  if (!artifactLocation) return undefined;
  return {
    artifactLocation,
    region: {
      startLine: location.line,
      startColumn: location.column,
      ...(location.endLine ? { endLine: location.endLine } : {}),
      ...(location.endColumn ? { endColumn: location.endColumn } : {}),
    },
  };
}

/** Input errors and warnings: what the scan could not read, for whoever looks at the run. */
function notifications(report: Report, where: ArtifactLocations): Json[] {
  const files = report.source.type === 'manifests';
  const errors = report.errors.map((error) => {
    const physical =
      files && error.line
        ? physicalLocation({ file: error.source, line: error.line, column: error.column ?? 1 }, where)
        : undefined;
    return {
      level: 'error',
      message: { text: `${error.source}: ${error.message}` },
      ...(physical ? { locations: [{ physicalLocation: physical }] } : {}),
    };
  });
  const warnings = report.warnings.map((warning) => {
    const physical = warning.locations.flatMap((location) => physicalLocation(location, where) ?? []);
    return {
      level: 'warning',
      message: { text: warning.message },
      ...(physical.length ? { locations: physical.map((location) => ({ physicalLocation: location })) } : {}),
    };
  });
  return [...errors, ...warnings];
}
