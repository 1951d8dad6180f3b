import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'a validating webhook on deployments, in-cluster, failing closed',
      yaml: `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: quota}
webhooks:
- name: quota.example.com
  clientConfig:
    service: {namespace: quota-system, name: quota}
  rules:
  - apiGroups: [apps]
    apiVersions: [v1]
    operations: [CREATE]
    resources: [deployments]
  failurePolicy: Fail
`,
    },
    {
      name: 'a mutating webhook on pod subresources only, and one from another API entirely',
      yaml: `
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: exec-audit}
webhooks:
- name: exec.example.com
  clientConfig:
    service: {namespace: audit, name: exec}
  rules:
  - apiGroups: [""]
    apiVersions: [v1]
    operations: [CONNECT]
    resources: [pods/exec]
---
apiVersion: example.com/v1
kind: MutatingWebhookConfiguration
metadata: {name: not-kubernetes}
webhooks: "whatever"
`,
    },
    {
      name: 'the writers of the service namespace are administrators or system identities',
      yaml: `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: quota}
webhooks:
- name: quota.example.com
  clientConfig:
    service: {namespace: quota-system, name: quota}
  rules:
  - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: Group, name: platform-admins, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: controller, namespace: quota-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: ServiceAccount, name: replicaset-controller, namespace: kube-system}
`,
    },
    {
      name: 'entries of the wrong shape are located errors, the others are still checked',
      yaml: `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: broken}
webhooks:
- name: a.example.com
  clientConfig:
    service: {namespace: a, name: a}
  rules: "pods"
- name: b.example.com
  clientConfig:
    service: {name: b}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: not-a-list}
webhooks: {name: c}
`,
      errors: [
        { line: 9, message: /ValidatingWebhookConfiguration broken: webhooks\[0\]\.rules: .*not checked/ },
        { line: 12, message: /webhooks\[1\]\.clientConfig\.service\.namespace/ },
        { line: 17, message: /MutatingWebhookConfiguration not-a-list: webhooks: must be a list/ },
      ],
    },
  ],
  invalid: [
    {
      name: 'an external URL mutating every pod and reading Secrets: one finding, worst part first in severity',
      yaml: `
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: helper}
webhooks:
- name: inject.helper.io
  clientConfig:
    url: https://hooks.helper.io/inject?token=abc123
  rules:
  - apiGroups: [""]
    apiVersions: [v1]
    operations: [CREATE]
    resources: [pods, secrets]
`,
      findings: [
        {
          line: 6,
          column: 3,
          path: 'webhooks[0]',
          severity: 'high',
          techniques: ['MS-TA9015', 'MS-TA9011'],
          message:
            /^mutating webhook 'inject\.helper\.io' calls hooks\.helper\.io by URL .*; receives Secrets, values included; mutates pods .*sidecar/,
        },
      ],
    },
    {
      name: 'every resource, failing open by the v1beta1 default; the Service is evidence',
      yaml: `
apiVersion: admissionregistration.k8s.io/v1beta1
kind: ValidatingWebhookConfiguration
metadata: {name: gatekeeper-validating-webhook-configuration}
webhooks:
- name: validation.gatekeeper.sh
  clientConfig:
    service: {namespace: gatekeeper-system, name: gatekeeper-webhook-service}
  rules:
  - apiGroups: ["*"]
    apiVersions: ["*"]
    operations: [CREATE, UPDATE]
    resources: ["*"]
---
apiVersion: v1
kind: Service
metadata: {name: gatekeeper-webhook-service, namespace: gatekeeper-system}
spec:
  selector: {app: gatekeeper}
  ports: [{port: 443, targetPort: 8443}]
`,
      findings: [
        {
          line: 6,
          severity: 'medium',
          techniques: ['MS-TA9015'],
          message:
            /receives every resource of every API group, Secrets included; fails open \(failurePolicy Ignore \(the v1beta1 default\)\)/,
          evidence: [{ type: 'service', line: 15 }],
        },
      ],
    },
    {
      name: 'a policy engine mutating webhook failing open, explicitly; an ordinary mutating one does not count',
      yaml: `
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: kyverno-resource-mutating-webhook-cfg}
webhooks:
- name: mutate.kyverno.svc-ign
  clientConfig:
    service: {namespace: kyverno, name: kyverno-svc}
  failurePolicy: Ignore
  rules:
  - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: defaults}
webhooks:
- name: defaults.example.com
  clientConfig:
    service: {namespace: tools, name: defaults}
  failurePolicy: Ignore
  rules:
  - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
`,
      findings: [
        { line: 6, severity: 'medium', techniques: ['MS-TA9015'], message: /fails open \(failurePolicy Ignore\)/ },
      ],
    },
    {
      name: 'a namespace that a team can write serves the webhook; its administrators do not count',
      yaml: `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: quota}
webhooks:
- name: quota.example.com
  clientConfig:
    service: {namespace: shared, name: quota}
  rules:
  - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-edit, namespace: shared}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: Group, name: team-a, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
`,
      findings: [
        {
          line: 6,
          severity: 'high',
          message:
            /^validating webhook 'quota\.example\.com' its Service runs in namespace shared, where RBAC in the input lets Group team-a create pods or change Services/,
          evidence: [{ type: 'binding', line: 17 }],
        },
      ],
    },
  ],
});
