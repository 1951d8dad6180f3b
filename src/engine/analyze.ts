import { hash } from 'node:crypto';
import type { AnyCheck, FindingDraft } from '../checks/define.js';
import type { Config, IgnoreRule } from '../config/index.js';
import { issueMessage } from '../inputs/errors.js';
import { formatPath } from '../inputs/path.js';
import { recordedDocument } from '../inputs/yaml.js';
import type { Inventory, Resource } from '../inventory/index.js';
import { locatedError } from '../inventory/located.js';
import { logReads, unreadableKinds } from '../inventory/reads.js';
import { isControlPlanePod } from '../k8s/components.js';
import { type Evidence, EXPECTED, severityRank } from '../model/basics.js';
import type { Finding, ScanError, ScanWarning, Suppression } from '../model/report.js';
import { compareText, globMatch, selectedBy } from '../util/text.js';
import { keepRecorded, toPointer } from '../util/yaml-edit.js';

export const IGNORE_ANNOTATION = 'kubematrix.io/ignore';
export const IGNORE_REASON_ANNOTATION = 'kubematrix.io/ignore-reason';

export interface AnalyzeOptions {
  readonly checks: readonly AnyCheck[];
  readonly config: Config;
  /** "Today" for suppression expiry; injectable for tests. */
  readonly now?: Date;
  /** `--check`: only checks whose id matches one of these patterns (`*` globs); every check when absent. */
  readonly only?: readonly string[];
  /** `--skip-check`: no check whose id matches one of these patterns. */
  readonly skip?: readonly string[];
  /** The cluster's admission objects the input is checked against (`--policies`), for checks that need them. */
  readonly policies?: Inventory;
  /** Findings with a fix keep their document's recorded offsets, for SARIF (see `ScanOptions.fixPlaces`). */
  readonly fixPlaces?: boolean;
}

export interface Analysis {
  readonly findings: Finding[];
  /** Checks that ran (enabled and with valid options). */
  readonly checks: readonly AnyCheck[];
  /** Checks that read kinds the input could not list, with those kinds: they did not assess their techniques. */
  readonly blind: ReadonlyMap<string, readonly string[]>;
  readonly errors: ScanError[];
  /** Suppressions naming a check kubematrix does not have: they hide nothing. */
  readonly warnings: ScanWarning[];
}

/** Runs every enabled check over the inventory and applies suppressions. Findings come out in a stable order. */
export function analyze(
  inventory: Inventory,
  { checks, config, now = new Date(), only, skip, policies, fixPlaces = false }: AnalyzeOptions,
): Analysis {
  const findings: Finding[] = [];
  const errors: ScanError[] = [];
  const ran: AnyCheck[] = [];
  const blind = new Map<string, string[]>();
  // How a control-plane static pod has to run (host network, its PKI mounted, root) is not a finding about it.
  const controlPlanePods = new Set(inventory.podSpecs.filter(isControlPlanePod).map((pod) => pod.owner.ref));
  errors.push(...unknownSettings(config, checks));
  const warnings = unknownSuppressions(config, inventory, checks);
  const shared = sharing();
  for (const check of checks) {
    const settings = config.checks[check.id];
    if (settings?.enabled === false || !selectedBy(check.id, only, skip)) continue;
    if (check.needsPolicies && !policies) continue;
    const options = checkOptions(check, config);
    if (options && !options.success) {
      const [issue] = options.error.issues;
      const field = formatPath(['checks', check.id, 'options', ...((issue?.path ?? []) as (string | number)[])]);
      errors.push({ source: 'config', message: `${field}: ${issue?.message}` });
      continue;
    }
    const reads = logReads(inventory);
    try {
      check.run({
        inventory: reads.inventory,
        options: options?.data as never,
        report: (draft) => {
          const finding = toFinding(check, draft, settings?.severity, shared, fixPlaces);
          if (!check.controlPlane && controlPlanePods.has(finding.resource) && finding.severity !== 'info') {
            finding.severity = 'info';
            finding.message = `${EXPECTED}${finding.message}`;
          }
          applySuppression(finding, draft.resource, config, now);
          findings.push(finding);
        },
        error: (resource, path, message) => errors.push(locatedError(resource, path, message)),
        ...(check.needsPolicies ? { policies } : {}),
      });
      ran.push(check);
      const unread = unreadableKinds(inventory, reads.kinds());
      if (unread.length) blind.set(check.id, unread);
    } catch (error) {
      // A check that breaks on some input must not cost the user every other check's findings. What it reported
      // before failing stands; it does not count as having assessed its techniques.
      errors.push({ source: `check ${check.id}`, message: `failed: ${(error as Error).message}` });
    }
  }
  return { findings: dedupe(findings).sort(compareFindings), checks: ran, blind, errors, warnings };
}

const NO_SUCH_CHECK = 'names no check kubematrix has (see docs/checks.md)';

function unknownCheck(checks: readonly AnyCheck[]): (id: string) => boolean {
  const known = new Set(checks.map((check) => check.id));
  return (id) => id !== '*' && !known.has(id);
}

/** A typo in a check's settings would silently configure nothing: an error. */
function unknownSettings(config: Config, checks: readonly AnyCheck[]): ScanError[] {
  const unknown = unknownCheck(checks);
  return Object.keys(config.checks)
    .filter(unknown)
    .map((id) => ({ source: 'config', message: `checks.${id} ${NO_SUCH_CHECK}` }));
}

/**
 * A suppression naming a check that does not exist (a typo, a check renamed) hides nothing: a warning, since
 * everything it was meant for is still reported.
 */
function unknownSuppressions(config: Config, inventory: Inventory, checks: readonly AnyCheck[]): ScanWarning[] {
  const unknown = unknownCheck(checks);
  const fromConfig = config.ignore.flatMap((rule, index): ScanWarning[] =>
    unknown(rule.check)
      ? [
          {
            code: 'unknown-check',
            message: `config ignore[${index}].check: '${rule.check}' ${NO_SUCH_CHECK}`,
            locations: [],
          },
        ]
      : [],
  );
  const fromAnnotations = inventory.resources.flatMap((resource): ScanWarning[] => {
    const named = ignoredIds(resource)?.filter(unknown) ?? [];
    if (!named.length) return [];
    const location = resource.locate(['metadata', 'annotations', IGNORE_ANNOTATION]);
    return [
      {
        code: 'unknown-check',
        message: `annotation ${IGNORE_ANNOTATION}: ${named.map((id) => `'${id}'`).join(', ')} ${NO_SUCH_CHECK}`,
        resource: resource.ref,
        locations: location ? [location] : [],
      },
    ];
  });
  return [...fromConfig, ...fromAnnotations];
}

/** The check ids a resource's ignore annotation lists. */
function ignoredIds(resource: Resource): string[] | undefined {
  return resource.annotations[IGNORE_ANNOTATION]
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean);
}

/**
 * One copy of each value many findings repeat: the same field path, message and fix recur on thousands of objects
 * (65,065 findings of 10,000 resources hold 16 paths and 5,353 messages), and each built anew would be kept anew.
 */
interface Sharing {
  text(value: string): string;
  fix(operations: NonNullable<FindingDraft['fix']>): NonNullable<Finding['fix']>;
}

function sharing(): Sharing {
  const texts = new Map<string, string>();
  const fixes = new Map<string, NonNullable<Finding['fix']>>();
  const text = (value: string) => {
    const known = texts.get(value);
    if (known !== undefined) return known;
    texts.set(value, value);
    return value;
  };
  return {
    text,
    fix(operations) {
      // Keyed by the steps as the check gave them: their JSON Pointers are built once per distinct fix.
      const key = JSON.stringify(operations);
      const known = fixes.get(key);
      if (known) return known;
      const fix = operations.map(({ op, path, value }) => ({ op, path: toPointer(path), value }));
      fixes.set(key, fix);
      return fix;
    },
  };
}

function toFinding(
  check: AnyCheck,
  draft: FindingDraft,
  severityOverride: Finding['severity'] | undefined,
  shared: Sharing,
  fixPlaces: boolean,
): Finding {
  const techniques = draft.techniques ?? check.exposes;
  const mitigations = draft.mitigations ?? check.missing;
  // A finding may narrow what its check declares, never widen it: the declaration is what docs and SARIF show.
  const stray = [
    ...techniques.filter((t) => !check.exposes.includes(t)),
    ...mitigations.filter((m) => !check.missing.includes(m)),
  ];
  if (stray.length) throw new Error(`check '${check.id}' reported ${stray.join(', ')}, which it does not declare`);
  if (draft.fix && !check.fixable) throw new Error(`check '${check.id}' reported a fix but is not fixable`);

  const { resource } = draft;
  const path = draft.path ? shared.text(formatPath(draft.path)) : undefined;
  const location = draft.path ? resource.locate(draft.path) : resource.locate([]);
  // Built field by field, in the report's order, each optional field only when present: spreading a literal per
  // optional field would build and copy a small object for each, for every finding.
  const finding = {
    id: fingerprint(check.id, resource, path),
    checkId: check.id,
    title: check.title,
    severity: severityOverride ?? draft.severity ?? check.severity,
    // Shared, never copied: one array per check (or per draft), not two per finding. Nothing writes to them.
    techniques: techniques as Finding['techniques'],
    mitigations: mitigations as Finding['mitigations'],
    resource: resource.ref,
  } as Finding;
  if (location) finding.location = location;
  if (resource.uri) finding.uri = resource.uri;
  if (path) finding.path = path;
  finding.message = shared.text(draft.message);
  finding.remediation = draft.remediation ?? check.remediation;
  if (draft.fix?.length) {
    finding.fix = shared.fix(draft.fix);
    // The records of its document, for SARIF to place the fix without parsing the file again.
    const recorded = fixPlaces && location && recordedDocument(location);
    if (recorded) keepRecorded(finding, recorded);
  }
  if (draft.evidence?.length) finding.evidence = draft.evidence as Evidence[];
  return finding;
}

/** The file is part of it: files may define one object several times, and each definition is a finding of its own. */
function fingerprint(checkId: string, resource: Resource, path: string | undefined): string {
  const { kind, namespace, name } = resource.ref;
  const key = [checkId, kind, namespace ?? '', name, path ?? '', resource.file ?? ''].join('\u0000');
  // The first 8 bytes as hex: a string of its own, where slicing the full hex digest would keep all 64 characters
  // alive behind every finding's id.
  return hash('sha256', key, 'buffer').toString('hex', 0, 8);
}

/** The same check on the same field of the same object is one finding, however often a check walks past it. */
function dedupe(findings: Finding[]): Finding[] {
  // By id and line, with a key string built only for an id met again on another line (a List's items): rare.
  const firstLine = new Map<string, number | undefined>();
  const otherLines = new Set<string>();
  return findings.filter((finding) => {
    const line = finding.location?.line;
    if (!firstLine.has(finding.id)) {
      firstLine.set(finding.id, line);
      return true;
    }
    if (firstLine.get(finding.id) === line) return false;
    const key = `${finding.id}\u0000${line ?? ''}`;
    if (otherLines.has(key)) return false;
    otherLines.add(key);
    return true;
  });
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    compareText(a.location?.file ?? '', b.location?.file ?? '') ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
    // Cluster findings have no file: by object, then field, as a reader scans them.
    compareText(a.uri ?? '', b.uri ?? '') ||
    compareText(a.path ?? '', b.path ?? '') ||
    compareText(a.checkId, b.checkId) ||
    compareText(a.id, b.id)
  );
}

function applySuppression(finding: Finding, resource: Resource, config: Config, now: Date): void {
  // Without inline suppressions, only the config file (trusted, unlike the input it scans) can suppress.
  const suppression =
    fromConfig(finding, config.ignore) ?? (config.suppressions.inline ? fromAnnotation(finding, resource) : undefined);
  if (!suppression) return;
  // An expired suppression hides nothing: the finding comes back, saying why it is back.
  if (suppression.expires && Date.parse(suppression.expires) < now.getTime()) {
    finding.message = `${finding.message} (suppression expired ${suppression.expires})`;
    return;
  }
  finding.suppressed = suppression;
}

function fromConfig(finding: Finding, rules: readonly IgnoreRule[]): Suppression | undefined {
  const { kind, namespace, name } = finding.resource;
  const rule = rules.find(
    (r) =>
      (r.check === '*' || r.check === finding.checkId) &&
      (r.kind === undefined || r.kind === kind) &&
      (r.namespace === undefined || r.namespace === (namespace ?? '')) &&
      (r.name === undefined || globMatch(r.name, name)),
  );
  return rule ? { reason: rule.reason, ...(rule.expires ? { expires: rule.expires } : {}), by: 'config' } : undefined;
}

function fromAnnotation(finding: Finding, resource: Resource): Suppression | undefined {
  const listed = ignoredIds(resource);
  if (!listed?.includes(finding.checkId) && !listed?.includes('*')) return undefined;
  return {
    reason: resource.annotations[IGNORE_REASON_ANNOTATION] ?? `annotation ${IGNORE_ANNOTATION}`,
    by: 'annotation',
  };
}

/** A check's settings under `checks.<id>.options`, validated by its schema (undefined: it takes none). */
export function checkOptions(check: AnyCheck, config: Config) {
  return check.options?.safeParse(config.checks[check.id]?.options ?? {}, { error: issueMessage });
}
