import { testCheck } from '../tester.js';
import check from './index.js';

const shop = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---`;

const privilegedPolicy = (actions: string) => `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-privileged}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods, pods/ephemeralcontainers]}
  validations:
  - expression: "(object.spec.containers + object.spec.?initContainers.orValue([]) + object.spec.?ephemeralContainers.orValue([])).all(c, !(c.?securityContext.?privileged.orValue(false)))"
    message: privileged containers are not allowed
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-privileged-everywhere}
spec:
  policyName: no-privileged
  validationActions: [${actions}]
`;

testCheck(check, {
  valid: [
    {
      name: 'a policy that rejects none of the probes for what they violate, and Pod Security labels (another check reads them)',
      yaml: `${shop}
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
  name: web
  labels: {pod-security.kubernetes.io/enforce: restricted}
`,
    },
    {
      name: 'a policy that would reject privileged pods, in an input with no namespace to protect',
      yaml: privilegedPolicy('Deny'),
    },
  ],
  invalid: [
    {
      name: 'an enforcing Kyverno policy is a defense present for every control whose probes it all rejects',
      yaml: `${shop}
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
      message: hostPath volumes are not allowed
      pattern:
        spec:
          =(volumes):
          - X(hostPath): "null"
`,
      findings: [
        {
          line: 12,
          severity: 'info',
          mitigations: [],
          techniques: [],
          message:
            "defense present: Kyverno ClusterPolicy disallow-host-path rejects every probe of hostPath volumes, writable hostPath volumes, container runtime sockets, the node's root file system in shop (MS-M9013 Restrict over permissive containers)",
        },
      ],
    },
    {
      name: 'a ValidatingAdmissionPolicy in force through its binding, which is evidence',
      yaml: `${shop}${privilegedPolicy('Deny')}`,
      findings: [
        {
          line: 14,
          severity: 'info',
          message:
            /^defense present: ValidatingAdmissionPolicy no-privileged rejects every probe of privileged containers in shop \(MS-M9013/,
          evidence: [{ type: 'policy', line: 17 }],
        },
      ],
    },
    {
      name: 'a binding that only warns is a gap: enforced, it would provide the mitigation',
      yaml: `${shop}${privilegedPolicy('Warn')}`,
      findings: [
        {
          line: 14,
          severity: 'low',
          mitigations: ['MS-M9013'],
          message:
            'ValidatingAdmissionPolicy no-privileged only warns about privileged containers in shop: enforced, it would provide MS-M9013 Restrict over permissive containers',
        },
      ],
    },
  ],
});
