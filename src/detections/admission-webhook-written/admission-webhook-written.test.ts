import { write } from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

const CERT_MANAGER = {
  username: 'system:serviceaccount:cert-manager:cert-manager-cainjector',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:cert-manager', 'system:authenticated'],
};
const configuration = (kind: string, clientConfig: Record<string, unknown>) => ({
  kind,
  apiVersion: 'admissionregistration.k8s.io/v1',
  metadata: { name: 'pod-policy' },
  webhooks: [
    {
      name: 'pods.policy.example.com',
      clientConfig,
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
    },
  ],
});

testDetection(detection, {
  valid: [
    {
      name: 'cainjector patches only the CA bundle',
      events: [
        write({
          verb: 'patch',
          resource: 'mutatingwebhookconfigurations',
          name: 'pod-policy',
          body: { webhooks: [{ name: 'pods.policy.example.com', clientConfig: { caBundle: 'LS0tLS1CRUdJTi...' } }] },
          user: CERT_MANAGER,
          userAgent: 'cainjector/v1.15.3',
        }),
      ],
    },
    {
      name: 'a refused create',
      events: [
        write({
          resource: 'validatingwebhookconfigurations',
          body: configuration('ValidatingWebhookConfiguration', { service: { namespace: 'policy', name: 'webhook' } }),
          code: 403,
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'a mutating webhook on an in-cluster Service',
      events: [
        write({
          resource: 'mutatingwebhookconfigurations',
          body: configuration('MutatingWebhookConfiguration', {
            service: { namespace: 'policy', name: 'webhook', path: '/mutate' },
          }),
        }),
      ],
      alerts: [
        {
          techniques: ['MS-TA9015'],
          severity: 'high',
          message:
            /^MutatingWebhookConfiguration 'pod-policy' was created: 'pods.policy.example.com' calls Service policy\/webhook; it sees and may rewrite/,
        },
      ],
    },
    {
      name: 'a validating webhook calling out of the cluster',
      events: [
        write({
          resource: 'validatingwebhookconfigurations',
          body: configuration('ValidatingWebhookConfiguration', { url: 'https://203.0.113.9:8443/validate' }),
        }),
      ],
      alerts: [{ severity: 'critical', message: /calls https:\/\/203.0.113.9:8443\/validate/ }],
    },
    {
      name: 'a policy engine webhook deleted',
      events: [
        write({
          verb: 'delete',
          resource: 'validatingwebhookconfigurations',
          name: 'gatekeeper-validating-webhook-configuration',
        }),
      ],
      alerts: [
        {
          severity: 'medium',
          message:
            /^ValidatingWebhookConfiguration 'gatekeeper-validating-webhook-configuration' was deleted: the checks it made/,
        },
      ],
    },
  ],
});
