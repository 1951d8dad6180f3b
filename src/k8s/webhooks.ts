import * as z from 'zod';
import { issueMessage } from '../inputs/errors.js';
import type { FieldPath } from '../inputs/path.js';
import type { Inventory, Resource } from '../inventory/index.js';
import { UNNAMED } from '../inventory/schema.js';

/** Admission webhook configurations as the API server reads them (admissionregistration.k8s.io v1 and v1beta1). */

export const WEBHOOK_KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] as const;
const ADMISSION_API = /^admissionregistration\.k8s\.io\/v1(beta1)?$/;

/** An object of the input the module could not read: where, and why. The caller turns it into a located error. */
export interface Problem {
  readonly resource: Resource;
  readonly path: FieldPath;
  readonly message: string;
}

const RuleWithOperations = z.looseObject({
  apiGroups: z.array(z.string()).default([]),
  resources: z.array(z.string()).default([]),
  operations: z.array(z.string()).default([]),
});

const Webhook = z.looseObject({
  name: z.string().default(UNNAMED),
  clientConfig: z
    .looseObject({
      url: z.string().optional(),
      service: z.looseObject({ namespace: z.string(), name: z.string() }).optional(),
    })
    .default({}),
  rules: z.array(RuleWithOperations).default([]),
  failurePolicy: z.string().optional(),
});

export interface Webhook {
  readonly configuration: Resource;
  readonly mutating: boolean;
  readonly index: number;
  /** `webhooks[index]` in the configuration. */
  readonly path: FieldPath;
  readonly name: string;
  /** Set when the API server calls a URL rather than an in-cluster Service. */
  readonly url?: string;
  readonly service?: { readonly namespace: string; readonly name: string };
  readonly rules: readonly z.infer<typeof RuleWithOperations>[];
  /** As the API server defaults it: `Fail` in v1, `Ignore` in v1beta1. */
  readonly failurePolicy: string;
  readonly failurePolicyDefaulted: boolean;
}

/** Every webhook entry of the input's webhook configurations; entries of the wrong shape come back as problems. */
export function webhooksOf(inventory: Inventory): { webhooks: Webhook[]; problems: Problem[] } {
  const webhooks: Webhook[] = [];
  const problems: Problem[] = [];
  for (const kind of WEBHOOK_KINDS) {
    for (const configuration of inventory.ofKind(kind)) {
      if (!ADMISSION_API.test(configuration.ref.apiVersion)) continue;
      const entries = configuration.object.webhooks ?? [];
      if (!Array.isArray(entries)) {
        problems.push({ resource: configuration, path: ['webhooks'], message: 'must be a list; not checked' });
        continue;
      }
      entries.forEach((entry, index) => {
        const path = ['webhooks', index];
        const parsed = Webhook.safeParse(entry, { error: issueMessage });
        if (!parsed.success) {
          const [issue] = parsed.error.issues;
          problems.push({
            resource: configuration,
            path: [...path, ...((issue?.path ?? []) as (string | number)[])],
            message: `${issue?.message ?? 'invalid webhook'}; this webhook was not checked`,
          });
          return;
        }
        const { name, clientConfig, rules, failurePolicy } = parsed.data;
        webhooks.push({
          configuration,
          mutating: kind === 'MutatingWebhookConfiguration',
          index,
          path,
          name,
          ...(clientConfig.url !== undefined ? { url: clientConfig.url } : {}),
          ...(clientConfig.service ? { service: clientConfig.service } : {}),
          rules,
          failurePolicy: failurePolicy ?? (configuration.ref.apiVersion.endsWith('v1beta1') ? 'Ignore' : 'Fail'),
          failurePolicyDefaulted: failurePolicy === undefined,
        });
      });
    }
  }
  return { webhooks, problems };
}

type Rule = Webhook['rules'][number];

const coreGroup = (rule: Rule) => rule.apiGroups.includes('') || rule.apiGroups.includes('*');
/** `*` is every resource, `*\/*` every resource and subresource; `pods/*` only the subresources of pods. */
const namesResource = (rule: Rule, resource: string) =>
  rule.resources.some((name) => name === resource || name === '*' || name === '*/*');

/** Whether a rule sends the webhook every resource of every API group. */
export function interceptsEverything(webhook: Webhook): boolean {
  return webhook.rules.some(
    (rule) => rule.apiGroups.includes('*') && rule.resources.some((name) => name === '*' || name === '*/*'),
  );
}

/** Whether the webhook receives Secrets: any operation but CONNECT (which Secrets do not have) on core `secrets`. */
export function interceptsSecrets(webhook: Webhook): boolean {
  return webhook.rules.some(
    (rule) =>
      coreGroup(rule) && namesResource(rule, 'secrets') && rule.operations.some((operation) => operation !== 'CONNECT'),
  );
}

/** Whether a mutating webhook may rewrite pods as they are created or updated: the sidecar-injection hook. */
export function mutatesPods(webhook: Webhook): boolean {
  return (
    webhook.mutating &&
    webhook.rules.some(
      (rule) =>
        coreGroup(rule) &&
        namesResource(rule, 'pods') &&
        rule.operations.some((operation) => ['CREATE', 'UPDATE', '*'].includes(operation)),
    )
  );
}

/** Policy engines and security tools whose webhooks stand between a request and the cluster. */
const SECURITY_WEBHOOK =
  /kyverno|gatekeeper|\bopa\b|open-policy-agent|pod-?security|falco|kubewarden|jspolicy|kubescape|neuvector|polaris|connaisseur|sigstore|cosign|ratify|image-?policy/i;

/**
 * Whether the webhook looks like a security control: every validating webhook (it exists to refuse requests), and
 * mutating ones named after, or served from the namespace of, a policy engine.
 */
export function looksSecurityRelevant(webhook: Webhook): boolean {
  if (!webhook.mutating) return true;
  const names = [webhook.name, webhook.configuration.ref.name, webhook.service?.namespace, webhook.service?.name];
  return names.some((name) => name !== undefined && SECURITY_WEBHOOK.test(name));
}

/** The host a URL calls, never the rest of it (a path or query may carry a token). */
export function urlHost(url: string): string {
  try {
    return new URL(url).host || 'an unparsable URL';
  } catch {
    return 'an unparsable URL';
  }
}
