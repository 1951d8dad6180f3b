/**
 * Workload patches: per workload, the fixes its findings carry (securityContext defaults, the token automount) as one
 * kustomize strategic-merge patch keyed to the object, and beside it, as comments, what no patch should change
 * without a person: a privileged container, a hostPath, a token the pod may use. A kustomize Component lists them.
 */
import { stringify } from 'yaml';
import { allChecks } from '../checks/index.js';
import { asRecord, type Inventory, type PodSpecView } from '../inventory/index.js';
import { mayUseToken } from '../k8s/api-access.js';
import type { MitigationId, TechniqueId } from '../matrix/types.js';
import type { Finding, ResourceRef } from '../model/report.js';
import { applyOperations, fromPointer } from '../util/yaml-edit.js';
import { refName, uniqueFileName } from './text.js';
import type { FixFile, FixGenerator } from './types.js';

const FOLDER = 'MS-M9013-workload-patches';
const MITIGATION: MitigationId = 'MS-M9013';

/** What removing the setting may break, for the checks whose fix is never automatic. */
const UNSAFE: Readonly<Record<string, string>> = {
  'privileged-container':
    'a privileged container may need what privileged gives (every device, every capability, no seccomp or AppArmor): remove it only once its capabilities and devices are known, and grant those alone',
  'writable-host-path':
    "a hostPath is usually there for a node agent (log shipper, CSI or CNI plugin, monitoring) that needs the node's files: remove it, or mount it read-only, only once the workload is known not to",
  'sensitive-host-path-read':
    "a hostPath is usually there for a node agent that needs the node's files: remove it only once the workload is known not to need these",
  'container-runtime-socket':
    'the runtime socket is there for something that drives containers (a CI runner, a node agent): removing it stops that; give it a rootless builder or a narrower API instead',
};

export const workloadPatches: FixGenerator = ({ inventory, findings }) => {
  const workloads = new Map<string, { pod: PodSpecView; findings: Finding[] }>();
  const pods = new Map(
    inventory.podSpecs.map((pod) => [definitionKey(pod.owner.ref, pod.owner.file ?? pod.owner.uri), pod]),
  );
  for (const finding of findings) {
    if (finding.suppressed) continue;
    const key = definitionKey(finding.resource, finding.location?.file ?? finding.uri);
    const pod = pods.get(key);
    if (!pod) continue;
    const entry = workloads.get(key) ?? { pod, findings: [] };
    entry.findings.push(finding);
    workloads.set(key, entry);
  }
  const files: FixFile[] = [];
  const names = new Set<string>();
  for (const { pod, findings: open } of workloads.values()) {
    const file = workloadFile(pod, open, inventory, names);
    if (file) files.push(file);
  }
  if (files.some((file) => file.patches?.length)) files.push(component(files));
  return files;
};

/** A definition: the object's identity and the file (or cluster address) it was read from. */
function definitionKey({ kind, namespace, name }: ResourceRef, source: string | undefined): string {
  return [kind, namespace ?? '', name, source ?? ''].join('\u0000');
}

function workloadFile(
  pod: PodSpecView,
  open: readonly Finding[],
  inventory: Inventory,
  names: Set<string>,
): FixFile | undefined {
  const { owner } = pod;
  const fixed = open.filter((finding) => finding.fix);
  const comments = open.flatMap((finding) => {
    const why = notPatched(finding, pod, inventory);
    return why
      ? [`- ${finding.checkId} at ${finding.path ?? 'the object'}: ${finding.message}.`, `  Not patched: ${why}.`]
      : [];
  });
  if (!fixed.length && !comments.length) return undefined;

  const operations = fixed.flatMap((finding) => finding.fix ?? []);
  const after = applyOperations(owner.object, operations);
  const spec = operations.reduce<Record<string, unknown>>(
    (patch, { path }) => mergePatches(patch, patchAlong(after, fromPointer(path))) as Record<string, unknown>,
    {},
  );
  // Keyed as kustomize matches it: the namespace only when the object names one itself.
  const where = open.find((finding) => finding.location)?.location;
  const { namespace } = owner.ref;
  const patch = {
    apiVersion: owner.ref.apiVersion,
    kind: owner.ref.kind,
    metadata: { name: owner.ref.name, ...(namespace && !where?.namespaceDefaulted ? { namespace } : {}) },
    ...spec,
  };

  const checks = new Map(allChecks.map((check) => [check.id, check]));
  const breaks = fixed.map(
    (finding) => `${refName(owner.ref)} ${finding.path ?? ''}: ${checks.get(finding.checkId)?.fixable?.breaks ?? ''}`,
  );
  const techniques = [...new Set(fixed.flatMap((finding) => finding.techniques))] as TechniqueId[];
  const mitigations = [...new Set(fixed.flatMap((finding) => finding.mitigations))];
  const header = [
    `${fixed.length ? 'Strategic-merge patch (kustomize `patches:`)' : 'Proposals, no patch'} for ${refName(owner.ref)}${where ? ` (${where.file})` : owner.uri ? ` (${owner.uri})` : ''}.`,
    ...(fixed.length
      ? [
          `Closes ${fixed.length} finding${fixed.length === 1 ? '' : 's'}: ${[...new Set(fixed.map((f) => f.checkId))].join(', ')}${techniques.length ? `; techniques ${techniques.join(', ')}` : ''}; mitigations ${mitigations.join(', ')}.`,
          'May break:',
          ...breaks.map((line) => `- ${line}`),
        ]
      : []),
    ...(comments.length ? ['What a person has to decide (not patched):', ...comments] : []),
  ];
  const text = `${header.map((line) => `# ${line}`.trimEnd()).join('\n')}\n${fixed.length ? stringify(patch, { version: '1.1' }) : ''}`;
  return {
    path: `${FOLDER}/${uniqueFileName(owner.ref, names)}`,
    mitigation: MITIGATION,
    text,
    ...(fixed.length ? { patches: [{ target: owner.ref, patch }] } : {}),
    closes: { techniques, findings: fixed.map((finding) => finding.id) },
    breaks: fixed.length ? breaks : [],
  };
}

/** Why a finding is proposed as a comment, or undefined when it is patched or is no workload setting to change. */
function notPatched(finding: Finding, pod: PodSpecView, inventory: Inventory): string | undefined {
  if (finding.fix) return undefined;
  const unsafe = UNSAFE[finding.checkId];
  if (unsafe) return unsafe;
  if (finding.checkId === 'service-account-token') {
    const why = mayUseToken(pod, inventory);
    return why
      ? `the pod may use its token: ${why}; turn automount off only once it is known not to call the API`
      : 'the value is written in the manifest: a person decides';
  }
  const check = allChecks.find((candidate) => candidate.id === finding.checkId);
  return check?.fixable
    ? 'the value is written in the manifest, or the API would reject the fix: a person decides'
    : undefined;
}

/**
 * The part of a strategic-merge patch that sets what `path` reaches in the fixed object: mappings down the path,
 * container lists as the one entry, keyed by name (their merge key), and any other list whole (lists without a merge
 * key are replaced, as `capabilities.drop` is).
 */
function patchAlong(fixed: unknown, path: readonly string[], listKey?: string): unknown {
  const [head, ...rest] = path;
  if (head === undefined || fixed === null || typeof fixed !== 'object') return fixed;
  if (Array.isArray(fixed)) {
    if (!listKey || !CONTAINER_LISTS.has(listKey)) return fixed;
    const item = asRecord(fixed[Number(head)]);
    return [{ name: item.name, ...asRecord(patchAlong(item, rest)) }];
  }
  return { [head]: patchAlong((fixed as Record<string, unknown>)[head], rest, head) };
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Two patches as one: mappings merged, container lists merged by name, any other value the second's. */
function mergePatches(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((item) => typeof asRecord(item).name === 'string')) {
    const merged = new Map<unknown, unknown>(a.map((item) => [asRecord(item).name, item]));
    for (const item of b) merged.set(asRecord(item).name, mergePatches(merged.get(asRecord(item).name), item));
    return [...merged.values()];
  }
  if (isMapping(a) && isMapping(b)) {
    const merged: Record<string, unknown> = { ...a };
    for (const [key, value] of Object.entries(b)) merged[key] = mergePatches(a[key], value);
    return merged;
  }
  return b;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A kustomize Component listing every patch: `components: [<this folder>]` in the kustomization that builds them. */
function component(files: readonly FixFile[]): FixFile {
  const patched = files.filter((file) => file.patches?.length);
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    patches: patched.map((file) => ({ path: file.path.slice(FOLDER.length + 1) })),
  };
  return {
    path: `${FOLDER}/kustomization.yaml`,
    mitigation: MITIGATION,
    text: `# The workload patches of this folder, as a kustomize Component: add this folder to \`components:\` of the\n# kustomization that builds the workloads. Each patch says what it closes and what it may break.\n${stringify(kustomization)}`,
    closes: {
      techniques: [...new Set(patched.flatMap((file) => file.closes.techniques))],
      findings: patched.flatMap((file) => file.closes.findings),
    },
    breaks: [],
  };
}
