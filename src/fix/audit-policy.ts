import type { AnyDetection } from '../detections/define.js';
import { allDetections } from '../detections/index.js';
import { auditBackend, componentOf, parseFlags } from '../k8s/components.js';
import { getMitigation } from '../matrix/index.js';
import type { TechniqueId } from '../matrix/types.js';
import type { Finding } from '../model/report.js';
import { wellKnownGroup } from '../rbac/rules.js';
import { listText, manifestText } from './text.js';
import type { FixFile, FixGenerator } from './types.js';

/**
 * The audit policy kubematrix's detections need (MS-M9020), written from their own metadata: each detection's verbs
 * and resources at the level it reads, Secrets and tokens at Metadata only whatever a rule asks, and Metadata for
 * the rest. Where the input holds the control plane's static pods, the API server and kubelet flags to change are
 * written as text: a static pod is the node's file, not an object kubematrix can patch.
 */

type Level = AnyDetection['level'];
const LEVELS: readonly Level[] = ['Metadata', 'Request', 'RequestResponse'];

/**
 * Bodies that are credentials: a Secret's values, a TokenRequest's or TokenReview's live token. Above Metadata the
 * audit log would become a copy of every credential in the cluster.
 */
const CREDENTIALS: readonly { group: string; resources: string[] }[] = [
  { group: '', resources: ['secrets', 'serviceaccounts/token'] },
  { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
];
const CREDENTIAL_RESOURCES = new Set(CREDENTIALS.flatMap((entry) => entry.resources));

/** Resources served by more than their well-known group. */
const ALSO_SERVED_BY: Readonly<Record<string, readonly string[]>> = { events: ['events.k8s.io'] };

/**
 * Read-only traffic of the control plane and the nodes, which makes most of an unfiltered log and which the
 * detections skip (those identities are allow-listed); their writes stay logged. Leases are heartbeats.
 */
const NOISE = [
  {
    level: 'None',
    users: ['system:kube-proxy', 'system:kube-scheduler', 'system:kube-controller-manager', 'system:apiserver'],
    verbs: ['get', 'list', 'watch'],
  },
  { level: 'None', userGroups: ['system:nodes'], verbs: ['get', 'list', 'watch'] },
  { level: 'None', resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }] },
];

const groupsOf = (resource: string): string[] => {
  const base = resource.split('/')[0] ?? resource;
  return [wellKnownGroup(base) ?? '', ...(ALSO_SERVED_BY[base] ?? [])];
};

/** Per level above Metadata, per verb list, the resources detections read the bodies of; and what was capped. */
function bodyRules(detections: readonly AnyDetection[]): { rules: Record<string, unknown>[]; capped: string[] } {
  const wanted = new Map<string, { level: Level; verbs: string[]; resources: Set<string> }>();
  const capped: string[] = [];
  for (const detection of detections) {
    if (detection.level === 'Metadata' || !detection.on.resources) continue;
    const verbs = [...(detection.on.verbs ?? [])].sort();
    for (const resource of detection.on.resources) {
      if (CREDENTIAL_RESOURCES.has(resource)) {
        capped.push(`${detection.id} (${resource})`);
        continue;
      }
      const key = `${detection.level} ${verbs.join(',')}`;
      const entry = wanted.get(key) ?? { level: detection.level, verbs, resources: new Set<string>() };
      entry.resources.add(resource);
      wanted.set(key, entry);
    }
  }
  // The higher level first: the first rule that matches a request sets its level.
  const entries = [...wanted.values()].sort(
    (a, b) => LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) || a.verbs.join().localeCompare(b.verbs.join()),
  );
  const rules = entries.map(({ level, verbs, resources }) => {
    const byGroup = new Map<string, string[]>();
    for (const resource of [...resources].sort())
      for (const group of groupsOf(resource)) byGroup.set(group, [...(byGroup.get(group) ?? []), resource]);
    return {
      level,
      ...(verbs.length ? { verbs } : {}),
      resources: [...byGroup]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([group, names]) => ({ group, resources: names })),
    };
  });
  return { rules, capped };
}

/** The audit.k8s.io/v1 Policy the detections need. */
export function detectionsAuditPolicy(detections: readonly AnyDetection[] = allDetections) {
  const { rules, capped } = bodyRules(detections);
  return {
    policy: {
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      // RequestReceived repeats each request before its outcome is known; the detections read the later stages.
      omitStages: ['RequestReceived'],
      rules: [...NOISE, { level: 'Metadata', resources: CREDENTIALS }, ...rules, { level: 'Metadata' }],
    },
    capped,
  };
}

/** Where a finding is, for a line of text: its file and line, or its cluster address. */
const where = (finding: Finding) =>
  finding.location ? `${finding.location.file}:${finding.location.line}` : (finding.uri ?? finding.resource.name);

/** Control-plane checks: their findings' fixes are flags, written out as text. */
export const CONTROL_PLANE_CHECK = /^(apiserver|kubelet|etcd)-/;

/** The flags text for the API servers of the input and the control-plane findings, or undefined without either. */
function flagsFile(context: Parameters<FixGenerator>[0]): FixFile | undefined {
  const servers = context.inventory.podSpecs.flatMap((pod) =>
    pod.containers
      .filter((container) => componentOf(container, pod) === 'kube-apiserver')
      .map((container) => ({ pod, container })),
  );
  const findings = context.findings.filter(
    (finding) => CONTROL_PLANE_CHECK.test(finding.checkId) && !finding.suppressed,
  );
  if (!servers.length && !findings.length) return undefined;
  const lines: string[] = [
    '# kubematrix fix: control-plane flags to change (MS-M9020 and the findings below). Text, not a patch: the',
    "# static pods are the nodes' files (/etc/kubernetes/manifests); edit them there and the kubelet restarts the pod.",
  ];
  for (const { pod, container } of servers) {
    const flags = parseFlags(container);
    const name = `${pod.owner.ref.kind} ${pod.owner.ref.namespace ?? ''}/${pod.owner.ref.name}`;
    lines.push('', `## kube-apiserver in ${name}, container ${container.spec.name}`);
    const backend = auditBackend(flags);
    lines.push(
      '--audit-policy-file=/etc/kubernetes/audit-policy.yaml   # audit-policy.yaml of this folder, mounted read-only (hostPath, type File)',
      ...(backend
        ? [`# keeps its audit backend (--${backend}=${flags.get(backend)?.value ?? ''})`]
        : [
            '--audit-log-path=/var/log/kubernetes/audit/audit.log   # a hostPath directory mounted read-write',
            '--audit-log-maxage=30',
            '--audit-log-maxbackup=10',
            '--audit-log-maxsize=100',
          ]),
    );
  }
  if (findings.length) {
    lines.push('', '## What the scan found on the control plane, and the fix each finding gives');
    for (const finding of findings)
      lines.push(`# ${finding.checkId} at ${where(finding)}: ${finding.message}`, `#   fix: ${finding.remediation}`);
  }
  return {
    path: 'MS-M9020-audit-policy/control-plane-flags.txt',
    mitigation: 'MS-M9020',
    text: `${lines.join('\n')}\n`,
    closes: {
      techniques: [...new Set(findings.flatMap((finding) => finding.techniques))].sort() as TechniqueId[],
      findings: findings.map((finding) => finding.id),
    },
    breaks: ['The API server restarts when its static pod changes: one at a time on a multi-node control plane.'],
  };
}

/** The audit policy, and the control-plane flags where the input shows the control plane. */
export const auditPolicyFix: FixGenerator = (context) => {
  const { policy, capped } = detectionsAuditPolicy();
  const header = [
    'kubematrix fix: the audit policy kubematrix detections read (audit.k8s.io/v1), for kube-apiserver --audit-policy-file.',
    "Written from the detections' metadata: each one's verbs and resources at the level it needs; everything else at Metadata.",
    'Secrets, service-account tokens and TokenReviews are logged at Metadata only, whatever a rule asks: their bodies are credentials.',
    ...(capped.length ? [`Capped at Metadata for that reason: ${listText(capped)}.`] : []),
    "Closes: the audit trail kubematrix's detections read, and the techniques MS-M9020 mitigates once the log is collected.",
    'Would break: nothing; a bigger log where workloads and RBAC objects are written (their bodies are logged).',
  ];
  const files: FixFile[] = [
    {
      path: 'MS-M9020-audit-policy/audit-policy.yaml',
      mitigation: 'MS-M9020',
      text: manifestText(header, [policy]),
      closes: {
        techniques: [...(getMitigation('MS-M9020')?.techniques ?? [])],
        findings: context.findings.filter((finding) => finding.checkId === 'apiserver-audit-log').map((f) => f.id),
      },
      breaks: [],
    },
  ];
  const flags = flagsFile(context);
  if (flags) files.push(flags);
  return files;
};
