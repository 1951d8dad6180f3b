import type { AnyDetection } from '../../src/detections/define.js';

/**
 * A small evaluator of `audit.k8s.io/v1` Policy rules, as kube-apiserver applies them: the first rule that matches a
 * request sets its level; `omitStages` of the policy and of that rule add up.
 */
export interface AuditPolicy {
  readonly omitStages?: readonly string[];
  readonly rules: readonly PolicyRule[];
}

export interface PolicyRule {
  readonly level: Level;
  readonly users?: readonly string[];
  readonly userGroups?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resources?: readonly { group?: string; resources?: readonly string[]; resourceNames?: readonly string[] }[];
  readonly namespaces?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
  readonly omitStages?: readonly string[];
}

export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type Level = (typeof LEVELS)[number];

export interface PolicyRequest {
  readonly user: string;
  readonly groups: readonly string[];
  readonly verb: string;
  /** A resource request: API group (`''` for core), `resource` or `resource/subresource`, namespace and name. */
  readonly group?: string;
  readonly resource?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** A non-resource request: its path. */
  readonly path?: string;
}

export interface Decision {
  readonly level: Level;
  readonly omitStages: readonly string[];
}

export function decide(policy: AuditPolicy, request: PolicyRequest): Decision {
  const rule = policy.rules.find((candidate) => matches(candidate, request));
  return {
    level: rule?.level ?? 'None',
    omitStages: [...(policy.omitStages ?? []), ...(rule?.omitStages ?? [])],
  };
}

function matches(rule: PolicyRule, request: PolicyRequest): boolean {
  if (rule.users?.length && !rule.users.includes(request.user)) return false;
  if (rule.userGroups?.length && !rule.userGroups.some((group) => request.groups.includes(group))) return false;
  if (rule.verbs?.length && !rule.verbs.includes(request.verb)) return false;
  if (rule.namespaces?.length || rule.resources?.length) return matchesResource(rule, request);
  if (rule.nonResourceURLs?.length) {
    const path = request.path;
    return (
      path !== undefined &&
      rule.nonResourceURLs.some(
        (url) => url === '*' || url === path || (url.endsWith('*') && path.startsWith(url.slice(0, -1))),
      )
    );
  }
  return true;
}

function matchesResource(rule: PolicyRule, request: PolicyRequest): boolean {
  if (request.resource === undefined) return false;
  if (rule.namespaces?.length && !rule.namespaces.includes(request.namespace ?? '')) return false;
  if (!rule.resources?.length) return true;
  const [resource, subresource] = request.resource.split('/');
  return rule.resources.some(
    (entry) =>
      (entry.group ?? '') === (request.group ?? '') &&
      (!entry.resources?.length ||
        entry.resources.some(
          (name) =>
            (!entry.resourceNames?.length || entry.resourceNames.includes(request.name ?? '')) &&
            (name === '*' ||
              name === request.resource ||
              (subresource !== undefined && name === `*/${subresource}`) ||
              name === `${resource}/*`),
        )),
  );
}

/**
 * The API groups of the resources detections name (their filters leave the group out). A detection on a resource
 * missing here fails the policy test until its group is added: the policy cannot be checked without it.
 */
export const RESOURCE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  pods: [''],
  nodes: [''],
  namespaces: [''],
  services: [''],
  configmaps: [''],
  secrets: [''],
  serviceaccounts: [''],
  persistentvolumeclaims: [''],
  persistentvolumes: [''],
  replicationcontrollers: [''],
  podtemplates: [''],
  events: ['', 'events.k8s.io'],
  deployments: ['apps'],
  daemonsets: ['apps'],
  statefulsets: ['apps'],
  replicasets: ['apps'],
  jobs: ['batch'],
  cronjobs: ['batch'],
  roles: ['rbac.authorization.k8s.io'],
  rolebindings: ['rbac.authorization.k8s.io'],
  clusterroles: ['rbac.authorization.k8s.io'],
  clusterrolebindings: ['rbac.authorization.k8s.io'],
  mutatingwebhookconfigurations: ['admissionregistration.k8s.io'],
  validatingwebhookconfigurations: ['admissionregistration.k8s.io'],
  validatingadmissionpolicies: ['admissionregistration.k8s.io'],
  validatingadmissionpolicybindings: ['admissionregistration.k8s.io'],
  selfsubjectaccessreviews: ['authorization.k8s.io'],
  selfsubjectrulesreviews: ['authorization.k8s.io'],
  subjectaccessreviews: ['authorization.k8s.io'],
  selfsubjectreviews: ['authentication.k8s.io'],
  tokenreviews: ['authentication.k8s.io'],
  certificatesigningrequests: ['certificates.k8s.io'],
};

/** What a detection whose filter names no verbs or resources is checked against. */
const ALL_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const SUBRESOURCES = ['pods/exec', 'pods/attach', 'pods/portforward', 'pods/ephemeralcontainers', 'nodes/proxy'];

/** A human user, as most detections see them, and the anonymous one, which `everyone` detections also watch. */
const HUMAN = { user: 'alice@example.com', groups: ['developers', 'system:authenticated'] };
const ANONYMOUS = { user: 'system:anonymous', groups: ['system:unauthenticated'] };

/**
 * What the policy fails to give a detection: each request it wants (its verbs × resources, by a human user, and by
 * the anonymous user for rules that watch everyone) logged below its level, or at stages that leave out
 * ResponseComplete or ResponseStarted. Empty when the policy serves it.
 */
export function policyGaps(policy: AuditPolicy, detection: AnyDetection): string[] {
  const resources = detection.on.resources ?? [...Object.keys(RESOURCE_GROUPS), ...SUBRESOURCES];
  const verbs = detection.on.verbs ?? ALL_VERBS;
  const users = detection.everyone ? [HUMAN, ANONYMOUS] : [HUMAN];
  const gaps: string[] = [];
  for (const resource of resources) {
    const groups = RESOURCE_GROUPS[resource.split('/')[0] as string];
    if (!groups) {
      gaps.push(`${resource}: its API group is unknown to test/support/audit-policy.ts (RESOURCE_GROUPS)`);
      continue;
    }
    for (const group of groups)
      for (const verb of verbs)
        for (const user of users) {
          const { level, omitStages } = decide(policy, { ...user, verb, group, resource, namespace: 'default' });
          const where = `${verb} ${resource}${group ? `.${group}` : ''} by ${user.user}`;
          if (LEVELS.indexOf(level) < LEVELS.indexOf(detection.level))
            gaps.push(`${where}: ${level}, needs ${detection.level}`);
          for (const stage of ['ResponseStarted', 'ResponseComplete'])
            if (omitStages.includes(stage)) gaps.push(`${where}: stage ${stage} omitted`);
        }
  }
  return gaps;
}
