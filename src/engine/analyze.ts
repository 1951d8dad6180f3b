import { hash } from 'node:crypto';
import type { AnyCheck, FindingDraft } from '../checks/define.js';
import type { Config, IgnoreRule } from '../config/index.js';
import { issueMessage } from '../inputs/errors.js';
import { formatPath } from '../inputs/path.js';
import type { Inventory, Resource } from '../inventory/index.js';
import { locatedError } from '../inventory/located.js';
import { logReads, unreadableKinds } from '../inventory/reads.js';
import { isControlPlanePod } from '../k8s/components.js';
import { EXPECTED, type Finding, type ScanError, type Suppression, severityRank } from '../model/report.js';
import { compareText, globMatch } from '../util/text.js';

export const IGNORE_ANNOTATION = 'kubematrix.io/ignore';
export const IGNORE_REASON_ANNOTATION = 'kubematrix.io/ignore-reason';

export interface AnalyzeOptions {
  readonly checks: readonly AnyCheck[];
  readonly config: Config;
  /** "Today" for suppression expiry; injectable for tests. */
  readonly now?: Date;
}

export interface Analysis {
  readonly findings: Finding[];
  /** Checks that ran (enabled and with valid options). */
  readonly checks: readonly AnyCheck[];
  /** Checks that read kinds the input could not list, with those kinds: they did not assess their techniques. */
  readonly blind: ReadonlyMap<string, readonly string[]>;
  readonly errors: ScanError[];
}

/** Runs every enabled check over the inventory and applies suppressions. Findings come out in a stable order. */
export function analyze(inventory: Inventory, { checks, config, now = new Date() }: AnalyzeOptions): Analysis {
  const findings: Finding[] = [];
  const errors: ScanError[] = [];
  const ran: AnyCheck[] = [];
  const blind = new Map<string, string[]>();
  // How a control-plane static pod has to run (host network, its PKI mounted, root) is not a finding about it.
  const controlPlanePods = new Set(inventory.podSpecs.filter(isControlPlanePod).map((pod) => pod.owner.ref));
  errors.push(...unknownCheckIds(config, checks));
  for (const check of checks) {
    const settings = config.checks[check.id];
    if (settings?.enabled === false) continue;
    const options = check.options?.safeParse(settings?.options ?? {}, { error: issueMessage });
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
          const finding = toFinding(check, draft, settings?.severity);
          if (!check.controlPlane && controlPlanePods.has(finding.resource) && finding.severity !== 'info') {
            finding.severity = 'info';
            finding.message = `${EXPECTED}${finding.message}`;
          }
          applySuppression(finding, draft.resource, config, now);
          findings.push(finding);
        },
        error: (resource, path, message) => errors.push(locatedError(resource, path, message)),
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
  return { findings: dedupe(findings).sort(compareFindings), checks: ran, blind, errors };
}

/** A typo in a check id would silently suppress nothing, or configure nothing: say so. */
function unknownCheckIds(config: Config, checks: readonly AnyCheck[]): ScanError[] {
  const known = new Set(checks.map((check) => check.id));
  const unknown = (id: string) => id !== '*' && !known.has(id);
  return [
    ...config.ignore.flatMap((rule, index) => (unknown(rule.check) ? [`ignore[${index}].check: '${rule.check}'`] : [])),
    ...Object.keys(config.checks).flatMap((id) => (unknown(id) ? [`checks.${id}`] : [])),
  ].map((where) => ({ source: 'config', message: `${where} names no check kubematrix has (see docs/checks.md)` }));
}

function toFinding(check: AnyCheck, draft: FindingDraft, severityOverride: Finding['severity'] | undefined): Finding {
  const techniques = draft.techniques ?? check.exposes;
  const mitigations = draft.mitigations ?? check.missing;
  // A finding may narrow what its check declares, never widen it: the declaration is what docs and SARIF show.
  const stray = [
    ...techniques.filter((t) => !check.exposes.includes(t)),
    ...mitigations.filter((m) => !check.missing.includes(m)),
  ];
  if (stray.length) throw new Error(`check '${check.id}' reported ${stray.join(', ')}, which it does not declare`);

  const { resource } = draft;
  const path = draft.path ? formatPath(draft.path) : undefined;
  const location = draft.path ? resource.locate(draft.path) : resource.locate([]);
  return {
    id: fingerprint(check.id, resource, path),
    checkId: check.id,
    title: check.title,
    severity: severityOverride ?? draft.severity ?? check.severity,
    techniques: [...techniques],
    mitigations: [...mitigations],
    resource: resource.ref,
    ...(location ? { location } : {}),
    ...(resource.uri ? { uri: resource.uri } : {}),
    ...(path ? { path } : {}),
    message: draft.message,
    remediation: draft.remediation ?? check.remediation,
    ...(draft.evidence?.length ? { evidence: [...draft.evidence] } : {}),
  };
}

/** The file is part of it: files may define one object several times, and each definition is a finding of its own. */
function fingerprint(checkId: string, resource: Resource, path: string | undefined): string {
  const { kind, namespace, name } = resource.ref;
  return hash('sha256', [checkId, kind, namespace ?? '', name, path ?? '', resource.file ?? ''].join('\u0000')).slice(
    0,
    16,
  );
}

/** The same check on the same field of the same object is one finding, however often a check walks past it. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.id}\u0000${finding.location?.line ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
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
  // An expired suppression is as if it had never been written: the finding comes back.
  if (suppression.expires && Date.parse(suppression.expires) < now.getTime()) return;
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
  const { annotations } = resource;
  const listed = annotations[IGNORE_ANNOTATION]?.split(',').map((id) => id.trim());
  if (!listed?.includes(finding.checkId) && !listed?.includes('*')) return undefined;
  return { reason: annotations[IGNORE_REASON_ANNOTATION] ?? `annotation ${IGNORE_ANNOTATION}`, by: 'annotation' };
}
