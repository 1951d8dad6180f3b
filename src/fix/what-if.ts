import { admit } from '../admission/index.js';
import { diffReports, type ReportDiff } from '../engine/diff.js';
import { type ScanOptions, type ScanResult, scanObjects } from '../engine/scan.js';
import type { FieldPath } from '../inputs/path.js';
import type { Inventory, PodSpecView, SourceObject } from '../inventory/index.js';
import { getTechnique } from '../matrix/index.js';
import type { ChokePoint } from '../model/paths.js';
import type { Report, ResourceRef, SourceLocation, TechniqueStatusValue } from '../model/report.js';
import { strategicMerge } from './strategic-merge.js';
import { refName } from './text.js';
import type { FixFile } from './types.js';

/**
 * `kubematrix fix --what-if`: the fix files applied in memory to the objects the scan read — removals, then
 * patches, then new objects — and the whole analysis run again (checks, admission simulation with the new policies
 * in it, coverage, attack paths), so that before and after compare technique by technique.
 */

/** A current workload an admission policy of the fix would reject: what the fix would break, said before it does. */
export interface RejectedWorkload {
  readonly workload: ResourceRef;
  /** `k8s://…` for a cluster's object; its file otherwise. */
  readonly where?: string;
  /** The fix's policies that reject it, as the admission engine names them. */
  readonly by: readonly string[];
  readonly reason: string;
  /** Whether today's admission already rejects it (its next pods fail either way): not broken by the fix. */
  readonly alreadyRejected: boolean;
}

/** A patch the what-if could not apply: its object is not in the input. */
export interface Unapplied {
  readonly file: string;
  readonly target: ResourceRef;
  readonly reason: string;
}

export interface WhatIfDiff extends ReportDiff {
  /** The before report's choke points the fix resolves: their finding fixed, or their binding removed. */
  readonly chokePointsCut: readonly ChokePoint[];
  readonly rejected: readonly RejectedWorkload[];
  readonly unapplied: readonly Unapplied[];
}

export interface WhatIf {
  readonly before: Report;
  readonly after: Report;
  readonly diff: WhatIfDiff;
}

const refKey = ({ kind, namespace, name }: ResourceRef) => `${kind}\u0000${namespace ?? ''}\u0000${name}`;

/** The objects of the scanned input with the files applied, and what could not be applied. */
export function applyFiles(
  { report, inventory }: ScanResult,
  files: readonly FixFile[],
): { objects: SourceObject[]; unapplied: Unapplied[]; changed: Set<string> } {
  const context = report.source.type === 'cluster' ? report.source.context : undefined;
  const removed = new Set(files.flatMap((file) => (file.removes ?? []).map(refKey)));
  const patches = new Map<string, { file: string; patch: Readonly<Record<string, unknown>>; target: ResourceRef }[]>();
  for (const file of files) {
    for (const { target, patch } of file.patches ?? []) {
      const key = refKey(target);
      patches.set(key, [...(patches.get(key) ?? []), { file: file.path, patch, target }]);
    }
  }
  const changed = new Set([...removed, ...patches.keys()]);
  const objects: SourceObject[] = [];
  const patched = new Set<string>();
  for (const resource of inventory.resources) {
    const key = refKey(resource.ref);
    if (removed.has(key)) continue;
    const own = patches.get(key);
    if (own) patched.add(key);
    objects.push({
      object: own ? own.reduce((object, { patch }) => strategicMerge(object, patch), resource.object) : resource.object,
      // Where the input wrote a field: a patched field is still found where the file has it.
      ...(resource.file !== undefined
        ? { file: resource.file, locate: (path: FieldPath) => resource.locate(path) as SourceLocation }
        : {}),
      ...(context !== undefined ? { context } : {}),
    });
  }
  const unapplied: Unapplied[] = [];
  for (const [key, entries] of patches) {
    if (patched.has(key)) continue;
    // kubectl would patch the object in the cluster; the what-if cannot tell what else that object holds.
    for (const { file, target } of entries) {
      unapplied.push({
        file,
        target,
        reason: `${refName(target)} is not in the input: the patch has nothing to apply to`,
      });
    }
  }
  for (const file of files) {
    for (const object of file.creates ?? []) {
      objects.push({ object, file: file.path, ...(context !== undefined ? { context } : {}) });
      changed.add(refKey(refOf(object)));
    }
  }
  return { objects, unapplied, changed };
}

function refOf(object: Readonly<Record<string, unknown>>): ResourceRef {
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  return {
    apiVersion: String(object.apiVersion),
    kind: String(object.kind),
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : null,
    name: String(metadata.name ?? ''),
  };
}

/**
 * The before and after reports and what changed. `options` are the scan's own (config, controls, placement, check
 * selection), so that the only difference is the files.
 */
export function whatIf(before: ScanResult, files: readonly FixFile[], options: ScanOptions = {}): WhatIf {
  const { objects, unapplied, changed } = applyFiles(before, files);
  const after = scanObjects(objects, before.report.source, options);
  const diff = diffReports(before.report, after.report);
  const fixed = new Set(diff.findings.fixed.map((finding) => finding.id));
  const chokePointsCut = (before.report.attackPaths?.chokePoints ?? []).filter((choke) =>
    choke.kind === 'finding'
      ? fixed.has(choke.id)
      : choke.resource !== undefined && changed.has(refKey(choke.resource)),
  );
  return {
    before: before.report,
    after: after.report,
    diff: { ...diff, chokePointsCut, rejected: rejectedBy(before.inventory, after.inventory, changed), unapplied },
  };
}

/** Current workloads the changed policies (new ones, relabelled namespaces) reject once applied. */
function rejectedBy(before: Inventory, after: Inventory, changed: ReadonlySet<string>): RejectedWorkload[] {
  const today = new Map(
    before.podSpecs.map((pod) => [refKey(pod.owner.ref), admit(pod.owner.object, pod.namespace, before)]),
  );
  return after.podSpecs.flatMap((pod: PodSpecView): RejectedWorkload[] => {
    const result = admit(pod.owner.object, pod.namespace, after);
    if (result.verdict !== 'rejected') return [];
    const was = today.get(refKey(pod.owner.ref));
    // A policy the files changed that denies what it did not deny before (an unchanged enforce label is not new).
    const denied = new Set(was?.verdict === 'rejected' ? was.by.map((outcome) => outcome.name) : []);
    const ours = result.by.filter(
      (outcome) => outcome.outcome === 'deny' && changed.has(refKey(outcome.policy.ref)) && !denied.has(outcome.name),
    );
    if (!ours.length) return [];
    const where = pod.owner.uri ?? pod.owner.file;
    return [
      {
        workload: pod.owner.ref,
        ...(where !== undefined ? { where } : {}),
        by: [...new Set(ours.map((outcome) => outcome.name))],
        reason: result.reason,
        alreadyRejected: was?.verdict === 'rejected',
      },
    ];
  });
}

const STATUSES: readonly TechniqueStatusValue[] = ['exposed', 'weakened', 'mitigated'];

/** Paths listed in the summary before "and N more". */
const LISTED = 10;

/** The what-if in plain lines, as the terminal prints it and the folder's README.md gives it. */
export function whatIfLines({ before, after, diff }: WhatIf): string[] {
  const count = (report: Report, status: TechniqueStatusValue) =>
    report.techniques.filter((technique) => technique.status === status).length;
  const open = (report: Report) =>
    report.findings.filter((finding) => !finding.suppressed && finding.severity !== 'info').length;
  const paths = (report: Report) => report.attackPaths?.paths.length ?? 0;
  const lines = [
    `Techniques: ${STATUSES.map((status) => `${status} ${count(before, status)} → ${count(after, status)}`).join(', ')}.`,
    `Findings (unsuppressed, above info): ${open(before)} → ${open(after)}; ${diff.findings.fixed.length} resolved, ${diff.findings.new.length} new.`,
  ];
  if (before.attackPaths || after.attackPaths) {
    lines.push(
      `Attack paths: ${paths(before)} → ${paths(after)}; ${diff.paths?.cut.length ?? 0} cut, ${diff.paths?.new.length ?? 0} new; choke points cut: ${diff.chokePointsCut.length ? diff.chokePointsCut.map((choke) => `${choke.label} (${choke.removes})`).join(', ') : 'none'}.`,
    );
  }
  for (const change of diff.techniques) {
    lines.push(`  ${change.id} ${getTechnique(change.id)?.name ?? ''}: ${change.before} → ${change.after}`);
  }
  const broken = diff.rejected.filter((entry) => !entry.alreadyRejected);
  lines.push(
    broken.length
      ? `Current workloads the new admission policies would reject (${broken.length}):`
      : 'Current workloads the new admission policies would reject: none.',
    ...broken.map((entry) => `  ${refName(entry.workload)}${entry.where ? ` (${entry.where})` : ''}: ${entry.reason}`),
  );
  const already = diff.rejected.filter((entry) => entry.alreadyRejected);
  if (already.length) {
    lines.push(
      `Also rejected by the new policies, and by today's admission already (${already.length}):`,
      ...already.map((entry) => `  ${refName(entry.workload)}: ${entry.by.join(', ')}`),
    );
  }
  for (const entry of diff.unapplied) lines.push(`Not applied: ${entry.file}: ${entry.reason}.`);
  const remaining = after.attackPaths?.paths ?? [];
  if (remaining.length) {
    const label = new Map(after.attackPaths?.nodes.map((node) => [node.id, node.label]));
    const checkOf = new Map(after.findings.map((finding) => [finding.id, finding.checkId]));
    lines.push(`Attack paths no file cuts (${remaining.length}), with the checks whose findings their steps rest on:`);
    for (const path of remaining.slice(0, LISTED)) {
      const nodes = [path.from, ...path.steps.map((step) => step.to)].map((id) => label.get(id) ?? id);
      const checks = [...new Set(path.steps.flatMap((step) => step.findings.map((id) => checkOf.get(id) ?? id)))];
      lines.push(`  ${nodes.join(' → ')}${checks.length ? ` [${checks.join(', ')}]` : ' [permissions, no finding]'}`);
    }
    if (remaining.length > LISTED) lines.push(`  and ${remaining.length - LISTED} more`);
  }
  return lines;
}
