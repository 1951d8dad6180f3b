import type { Inventory } from '../../inventory/index.js';
import { evidenceAt } from '../../k8s/evidence.js';
import {
  interceptsEverything,
  interceptsSecrets,
  looksSecurityRelevant,
  mutatesPods,
  urlHost,
  type Webhook,
  webhooksOf,
} from '../../k8s/webhooks.js';
import type { TechniqueId } from '../../matrix/types.js';
import type { Evidence, Severity } from '../../model/report.js';
import { formatBinding, formatSubject, listSome } from '../../rbac/format.js';
import { rbacOf } from '../../rbac/model.js';
import { worst } from '../../rbac/risky.js';
import { isSystemSubject, subjectKey } from '../../rbac/subjects.js';
import type { Grant } from '../../rbac/types.js';
import { defineCheck } from '../define.js';

interface Part {
  readonly text: string;
  readonly severity: Severity;
}

/**
 * What lets a subject take over the Service a webhook calls: a pod carrying the Service's selector labels joins its
 * endpoints (and can mount the webhook's serving certificate), and a changed Service points elsewhere.
 */
const TAKEOVER_REQUESTS = [
  ['create', 'pods'],
  ['update', 'services'],
  ['patch', 'services'],
] as const;

/**
 * Subjects who can take over the webhook's Service through its namespace, but could not change the webhook
 * configuration itself: for them the namespace is the way in. Kubernetes' own bindings and system identities are
 * left out, as are subjects already able to rewrite the configuration (the namespace gives them nothing more).
 */
function namespaceWriters(inventory: Inventory, webhook: Webhook, namespace: string): Map<string, Grant[]> {
  const rbac = rbacOf(inventory);
  const configurations = webhook.mutating ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations';
  const writers = new Map<string, Grant[]>();
  const ownsConfiguration = new Map<string, boolean>();
  for (const [verb, resource] of TAKEOVER_REQUESTS) {
    for (const who of rbac.whoCan(verb, resource, namespace)) {
      const grants = who.grants.filter((grant) => grant.binding.origin === 'input');
      if (!grants.length || isSystemSubject(who.subject)) continue;
      const key = subjectKey(who.subject);
      let owns = ownsConfiguration.get(key);
      if (owns === undefined) {
        owns = rbac.can(who.subject, { verb: 'update', resource: configurations }).allowed;
        ownsConfiguration.set(key, owns);
      }
      if (owns) continue;
      writers.set(key, [...(writers.get(key) ?? []), ...grants]);
    }
  }
  return writers;
}

export default defineCheck({
  id: 'admission-webhooks',
  title: 'Admission webhook with reach into the cluster',
  severity: 'medium',
  exposes: ['MS-TA9015', 'MS-TA9011'],
  missing: [],
  description:
    'A mutating or validating webhook that calls a URL outside the cluster, receives Secrets or every resource, mutates pods, fails open although it guards security, or is served from a namespace that ordinary RBAC subjects can write.',
  rationale:
    'The API server sends each webhook the full objects it registers for, Secret values included, and obeys what a mutating webhook changes: whoever controls the webhook reads those objects and can inject a container into every new pod. A webhook outside the cluster, or behind a Service that a namespace editor can replace, puts that power outside cluster administration; a security webhook with `failurePolicy: Ignore` lets everything through while it is down, which an attacker can arrange.',
  remediation:
    'Serve webhooks from in-cluster Services in namespaces only administrators can write; register them for the resources and operations they need (never Secrets or `*` unless they must), narrowed with namespaceSelector/objectSelector; set `failurePolicy: Fail` on webhooks that enforce security; review every mutating webhook on pods.',
  run({ inventory, report, error }) {
    const { webhooks, problems } = webhooksOf(inventory);
    for (const problem of problems) error(problem.resource, problem.path, problem.message);

    for (const webhook of webhooks) {
      const parts: Part[] = [];
      const evidence: Evidence[] = [];
      const techniques: TechniqueId[] = ['MS-TA9015'];
      if (webhook.url !== undefined) {
        parts.push({
          text: `calls ${urlHost(webhook.url)} by URL instead of an in-cluster Service, so what it receives leaves the cluster's control`,
          severity: 'high',
        });
      }
      if (interceptsEverything(webhook)) {
        parts.push({ text: 'receives every resource of every API group, Secrets included', severity: 'medium' });
      } else if (interceptsSecrets(webhook)) {
        parts.push({ text: 'receives Secrets, values included', severity: 'medium' });
      }
      if (mutatesPods(webhook)) {
        techniques.push('MS-TA9011');
        parts.push({
          text: 'mutates pods as they are created or updated: it can inject a sidecar into them',
          severity: 'low',
        });
      }
      if (webhook.failurePolicy === 'Ignore' && looksSecurityRelevant(webhook)) {
        const why = webhook.failurePolicyDefaulted ? ' (the v1beta1 default)' : '';
        parts.push({
          text: `fails open (failurePolicy Ignore${why}): while it is unreachable, the requests it should judge are admitted`,
          severity: 'medium',
        });
      }

      const { service } = webhook;
      if (service) {
        const target = inventory.find('Service', service.namespace, service.name, webhook.configuration);
        if (target) {
          evidence.push(
            evidenceAt('service', target, [], `Service ${service.namespace}/${service.name} serves the webhook`),
          );
        }
        const writers = namespaceWriters(inventory, webhook, service.namespace);
        if (writers.size) {
          const subjects = [...writers.values()].map(([grant]) => formatSubject((grant as Grant).subject));
          parts.push({
            text: `its Service runs in namespace ${service.namespace}, where RBAC in the input lets ${listSome(subjects)} create pods or change Services, enough to take the webhook over`,
            severity: 'high',
          });
          for (const grants of writers.values()) evidence.push(...grants.flatMap(bindingEvidence));
        }
      }
      if (!parts.length) continue;

      const kind = webhook.mutating ? 'mutating' : 'validating';
      report({
        resource: webhook.configuration,
        path: webhook.path,
        severity: worst(parts.map((part) => part.severity)) ?? 'medium',
        techniques,
        message: `${kind} webhook '${webhook.name}' ${parts.map((part) => part.text).join('; ')}`,
        evidence: unique(evidence),
      });
    }
  },
});

function bindingEvidence(grant: Grant): Evidence[] {
  const { binding, subject } = grant;
  if (!binding.resource) return [];
  const text = `${formatBinding(binding)} grants ${formatSubject(subject)} ${binding.roleRef.kind} ${binding.roleRef.name}`;
  return [evidenceAt('binding', binding.resource, ['subjects', grant.subjectIndex], text)];
}

/** A subject holding several of the requests through one binding: that binding once. */
function unique(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((entry) => {
    const key = `${entry.text}\u0000${entry.location?.line ?? ''}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}
