import { podOfSpecView, podSecurityViolations } from '../admission/engines/pss.js';
import { formatPath } from '../inputs/path.js';
import type { PodSpecView, Resource } from '../inventory/index.js';
import {
  PSA_LEVELS,
  type PsaLevel,
  type PsaMode,
  podSecurityOf,
  psaLabel,
  SYSTEM_NAMESPACES,
} from '../k8s/pod-security.js';
import { getMitigation, getTechnique } from '../matrix/index.js';
import type { TechniqueId } from '../matrix/types.js';
import { compareText } from '../util/text.js';
import { commentText, headerComment, refName, shellQuote, yamlFile } from './text.js';
import type { FixContext, FixFile, FixGenerator, ObjectPatch } from './types.js';

/**
 * Pod Security admission labels (MS-M9017), per namespace: `enforce` at the strictest level every workload there
 * already meets, so that it rejects none of them and every new pod that does worse; in `warn` mode also `warn` and
 * `audit` at the next level, so that its blockers are named at each apply and in the audit log. Namespaces already
 * labelled at that level or stricter get nothing. For the next level, the workloads that block it and their fields
 * are listed, as the Pod Security Standards engine finds them.
 */

const MITIGATION = 'MS-M9017';
const FOLDER = `${MITIGATION}-pod-security`;
const CHECK = 'pod-security-admission';

const rank = (level: PsaLevel | undefined) => (level === undefined ? 0 : PSA_LEVELS.indexOf(level));
const above = (level: PsaLevel | undefined): PsaLevel | undefined => PSA_LEVELS[rank(level) + 1];

interface Blocker {
  readonly workload: PodSpecView;
  /** `` `spec.template.spec.containers[0].securityContext.runAsNonRoot` (container "api" must …) ``. */
  readonly fields: readonly string[];
}

interface Plan {
  readonly name: string;
  /** The Namespace object, when the input holds it: its labels are known. */
  readonly namespace?: Resource;
  /** Labels to set, each with the value the input shows today (undefined: none, or unknown). */
  readonly labels: ReadonlyMap<string, { readonly value: string; readonly current?: string }>;
  /** The enforce level set, if any. */
  readonly enforce?: PsaLevel;
  /** The level enforced once the labels are set (the input's own label, when none is set). */
  readonly inForce?: PsaLevel;
  /** The level after the one in force after the change, and the workloads that block it. */
  readonly next?: { readonly level: PsaLevel; readonly blockers: readonly Blocker[] };
  /** Workloads that already violate the level the namespace enforces today (admission drift). */
  readonly drift: readonly Blocker[];
}

/**
 * The workloads that fail each level, with the fields that fail it, evaluated once per level: a plan asks about the
 * same level for the level to enforce, the next one and admission drift.
 */
function blockersByLevel(workloads: readonly PodSpecView[]): (level: PsaLevel) => readonly Blocker[] {
  const known = new Map<PsaLevel, Blocker[]>();
  return (level) => {
    let blockers = known.get(level);
    if (!blockers) {
      blockers = workloads.flatMap((workload) => {
        const fields = podSecurityViolations(podOfSpecView(workload), level).map(
          (violation) => `\`${formatPath(violation.path)}\` (${violation.detail})`,
        );
        return fields.length ? [{ workload, fields }] : [];
      });
      known.set(level, blockers);
    }
    return blockers;
  };
}

function planFor(
  name: string,
  namespace: Resource | undefined,
  workloads: readonly PodSpecView[],
  mode: FixContext['mode'],
): Plan {
  const current = new Map(namespace ? podSecurityOf(namespace).map((setting) => [setting.mode, setting]) : []);
  const labels = new Map<string, { value: string; current?: string }>();
  const propose = (psaMode: PsaMode, level: PsaLevel) => {
    const setting = current.get(psaMode);
    // An unknown level (a label the API server rejects) is no protection: replaced.
    if (setting?.level !== undefined && rank(setting.level) >= rank(level)) return false;
    const label = psaLabel(psaMode);
    labels.set(label, { value: level, ...(namespace?.labels[label] ? { current: namespace.labels[label] } : {}) });
    // A pinned standards version older than the one the workloads were judged at would not enforce the same.
    const version = namespace?.labels[`${label}-version`];
    if (version !== undefined && version !== 'latest') {
      labels.set(`${label}-version`, { value: 'latest', current: version });
    }
    return true;
  };
  const blockers = blockersByLevel(workloads);
  const met = (['restricted', 'baseline'] as const).find((level) => !blockers(level).length) ?? 'privileged';
  const enforced = current.get('enforce')?.level;
  const enforce = met !== 'privileged' && propose('enforce', met) ? met : undefined;
  const inForce = rank(enforce) > rank(enforced) ? enforce : enforced;
  const nextLevel = above(inForce);
  if (mode === 'warn' && nextLevel) {
    propose('warn', nextLevel);
    propose('audit', nextLevel);
  }
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels,
    ...(enforce ? { enforce } : {}),
    ...(inForce ? { inForce } : {}),
    ...(nextLevel ? { next: { level: nextLevel, blockers: blockers(nextLevel) } } : {}),
    drift: enforced ? blockers(enforced) : [],
  };
}

/** Every non-system namespace the input declares or runs workloads in, with its Namespace object and workloads. */
function namespacesOf({ inventory }: FixContext): Map<string, { namespace?: Resource; workloads: PodSpecView[] }> {
  const found = new Map<string, { namespace?: Resource; workloads: PodSpecView[] }>();
  const entry = (name: string) => {
    const known = found.get(name) ?? { workloads: [] };
    found.set(name, known);
    return known;
  };
  for (const namespace of inventory.ofKind('Namespace')) {
    if (namespace.ref.apiVersion === 'v1' && !SYSTEM_NAMESPACES.has(namespace.ref.name)) {
      entry(namespace.ref.name).namespace ??= namespace;
    }
  }
  for (const workload of inventory.podSpecs) {
    // The control plane's own pods run in kube-system and need what the standards forbid.
    if (!SYSTEM_NAMESPACES.has(workload.namespace)) entry(workload.namespace).workloads.push(workload);
  }
  return new Map([...found].sort(([a], [b]) => compareText(a, b)));
}

const workloadName = (workload: PodSpecView) => refName(workload.owner.ref);

function blockerLines(blockers: readonly Blocker[]): string[] {
  return blockers.flatMap(({ workload, fields }) => [
    `- ${workloadName(workload)}:`,
    ...fields.map((field) => `  - ${commentText(field)}`),
  ]);
}

/** Names the API server would refuse: no label, command or file is written for them, and they are named here. */
function unlabelled(names: readonly string[]): string {
  return [
    '## Not labelled',
    '',
    'These namespace names are not DNS labels, which the API server requires: no cluster has them, so nothing is proposed.',
    '',
    ...names.map((name) => `- ${JSON.stringify(commentText(name))}`),
  ].join('\n');
}

/** Per namespace: what it enforces after the change, what already violates that, and what blocks the next level. */
function levelsFile(plans: readonly Plan[], invalid: readonly string[]): FixFile {
  const sections = plans.map((plan) => {
    const lines = [
      `## ${commentText(plan.name)}`,
      '',
      plan.namespace
        ? `Enforces after the change: ${plan.inForce ?? 'nothing'}${plan.enforce ? ' (set by this fix)' : ''}.`
        : `The input does not hold Namespace ${commentText(plan.name)}: its labels today are unknown; label-namespaces.sh labels it without --overwrite, so that kubectl refuses to change a label already set there.`,
    ];
    if (plan.drift.length) {
      lines.push(
        '',
        'Already violating what it enforces today (admission drift: their next pods are rejected):',
        ...blockerLines(plan.drift),
      );
    }
    if (plan.next) {
      lines.push(
        '',
        plan.next.blockers.length
          ? `${plan.next.level} is blocked by:`
          : `Every workload there already meets ${plan.next.level}.`,
        ...blockerLines(plan.next.blockers),
      );
    }
    return lines.join('\n');
  });
  return {
    path: `${FOLDER}/levels.md`,
    mitigation: MITIGATION,
    text: `# Pod Security levels per namespace\n\nThe strictest level every workload meets is enforced; the fields below block the next one (Pod Security Standards, latest).\n\n${[...sections, ...(invalid.length ? [unlabelled(invalid)] : [])].join('\n\n')}\n`,
    closes: { techniques: [], findings: [] },
    breaks: [],
  };
}

const techniquesOfMitigation = (getMitigation(MITIGATION)?.techniques ?? []) as readonly TechniqueId[];

function closesOf(plan: Plan, context: FixContext): FixFile['closes'] {
  if (!plan.enforce) return { techniques: [], findings: [] };
  const findings = context.findings
    .filter(
      (finding) =>
        finding.checkId === CHECK && finding.resource.kind === 'Namespace' && finding.resource.name === plan.name,
    )
    .map((finding) => finding.id);
  return { techniques: [...techniquesOfMitigation], findings };
}

function closesText(plan: Plan, closes: FixFile['closes']): string[] {
  if (!plan.enforce) return [];
  return [
    `enforces ${plan.enforce} in ${plan.name}: new pods that run privileged or mount host paths are rejected (${closes.techniques.map((id) => `${id} ${getTechnique(id)?.name ?? ''}`.trim()).join(', ')})`,
    ...(closes.findings.length ? [`${CHECK} findings: ${closes.findings.join(', ')}`] : []),
  ];
}

function patchOf(plan: Plan): ObjectPatch {
  return {
    target: { apiVersion: 'v1', kind: 'Namespace', namespace: null, name: plan.name },
    patch: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: plan.name,
        labels: Object.fromEntries([...plan.labels].map(([label, { value }]) => [label, value])),
      },
    },
  };
}

function namespaceFile(plan: Plan, context: FixContext): FixFile {
  const closes = closesOf(plan, context);
  const patch = patchOf(plan);
  return {
    path: `${FOLDER}/namespace-${plan.name}.yaml`,
    mitigation: MITIGATION,
    text: yamlFile(
      {
        title: `Pod Security admission labels for namespace ${plan.name}: a strategic-merge patch of the Namespace (kustomize patches:, or kubectl patch namespace ${plan.name} --patch-file).`,
        closes: closesText(plan, closes),
        breaks: [],
        notes: [
          ...(plan.enforce
            ? []
            : ['Warn and audit reject nothing: each violation is named when it is applied, and in the audit log.']),
          'levels.md lists what blocks the next level.',
        ],
      },
      [patch.patch],
    ),
    patches: [patch],
    closes,
    breaks: [],
  };
}

/** The same labels as one `kubectl label` command per namespace, for those who apply by hand. */
function scriptFile(plans: readonly Plan[], files: readonly FixFile[]): FixFile {
  const commands = plans.map((plan) => {
    const labels = [...plan.labels];
    const overwrite = labels.some(([, { current }]) => current !== undefined) ? ' --overwrite' : '';
    const words = labels.map(([label, { value }]) => shellQuote(`${label}=${value}`)).join(' ');
    return `kubectl label${overwrite} namespace ${shellQuote(plan.name)} ${words}`;
  });
  const closes = {
    techniques: [...new Set(files.flatMap((file) => file.closes.techniques))],
    findings: files.flatMap((file) => file.closes.findings),
  };
  const header = headerComment({
    title:
      'Pod Security admission labels as kubectl commands: the same labels as the namespace-*.yaml patches beside this script (apply one or the other).',
    closes: files
      .filter((file) => file.closes.techniques.length)
      .map((file) => `as ${file.path.slice(FOLDER.length + 1)}`),
    breaks: [],
    notes: ['--overwrite is given only where the input shows the label set to a weaker level today.'],
  });
  return {
    path: `${FOLDER}/label-namespaces.sh`,
    mitigation: MITIGATION,
    text: `#!/bin/sh\n${header}set -eu\n${commands.join('\n')}\n`,
    closes,
    breaks: [],
  };
}

/** A namespace name the API server accepts (a DNS label): the only kind a label can be set on, or a file named after. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const podSecurity: FixGenerator = (context) => {
  const namespaces = [...namespacesOf(context)];
  const invalid = namespaces.map(([name]) => name).filter((name) => !DNS_LABEL.test(name));
  const plans = namespaces
    .filter(([name]) => DNS_LABEL.test(name))
    .map(([name, { namespace, workloads }]) => planFor(name, namespace, workloads, context.mode));
  if (!plans.length && !invalid.length) return [];
  const changed = plans.filter((plan) => plan.labels.size);
  const files = changed.map((plan) => namespaceFile(plan, context));
  return [...(changed.length ? [scriptFile(changed, files)] : []), ...files, levelsFile(plans, invalid)];
};
