import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'policies that block nothing kubematrix tracks, and Pod Security labels (another check reads them)',
      yaml: `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-team-label}
spec:
  validationFailureAction: Enforce
  rules:
  - name: team
    match:
      any:
      - resources: {kinds: [Deployment]}
    validate:
      pattern: {metadata: {labels: {team: "?*"}}}
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {pod-security.kubernetes.io/enforce: restricted}
`,
    },
    {
      name: 'a Kyverno policy without spec is a located error',
      yaml: `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: empty}
`,
      errors: [{ line: 2, message: /ClusterPolicy empty: spec: .*the policy was not read/ }],
    },
  ],
  invalid: [
    {
      name: 'an enforcing policy is a defense present; an auditing one is a gap',
      yaml: `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: disallow-host-path}
spec:
  validationFailureAction: Enforce
  rules:
  - name: host-path
    match:
      any:
      - resources: {kinds: [Pod]}
    validate:
      pattern:
        spec:
          =(volumes):
          - X(hostPath): "null"
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sAllowedRepos
metadata: {name: shop-registry}
spec:
  enforcementAction: warn
  match:
    namespaces: [shop]
  parameters:
    repos: ["registry.shop.example/"]
`,
      findings: [
        {
          line: 8,
          severity: 'info',
          mitigations: [],
          techniques: [],
          path: 'spec.rules[0]',
          message:
            'defense present: Kyverno ClusterPolicy disallow-host-path rule host-path blocks host-path in every namespace (MS-M9013 Restrict over permissive containers)',
        },
        {
          line: 21,
          severity: 'low',
          mitigations: ['MS-M9005.003'],
          message:
            'Gatekeeper K8sAllowedRepos shop-registry only audits image-registries in namespace shop: enforced, it would provide MS-M9005.003 Gate images deployed to Kubernetes cluster',
        },
      ],
    },
    {
      name: 'a ValidatingAdmissionPolicy in force through its binding, which is evidence',
      yaml: `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-privileged}
spec:
  validations:
  - expression: "object.spec.containers.all(c, !has(c.securityContext) || c.securityContext.privileged != true)"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-privileged-everywhere}
spec:
  policyName: no-privileged
  validationActions: [Deny]
`,
      findings: [
        {
          line: 6,
          severity: 'info',
          message:
            /^defense present: ValidatingAdmissionPolicy no-privileged \(binding no-privileged-everywhere\) blocks privileged/,
          evidence: [{ type: 'policy', line: 9 }],
        },
      ],
    },
  ],
});
